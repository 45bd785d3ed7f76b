"""Password hashing with argon2id, at the cost the app's configuration sets (ARGON2_* settings)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> tuple[PasswordHasher, str]:
    """A hasher for one set of parameters, and a dummy hash made with it.

    Cached because the dummy hash costs as much as a real one: built once per parameter set, not per call.
    Verifying unknown accounts against the dummy hash, at the same parameters as real hashes, makes a wrong
    email cost the same time as a wrong password.
    """
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return hasher, hasher.hash("not-a-real-password")


def _configured() -> tuple[PasswordHasher, str]:
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    hasher, _ = _configured()
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; takes the same time whether or not there is a hash."""
    hasher, dummy_hash = _configured()
    try:
        return hasher.verify(password_hash or dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    hasher, _ = _configured()
    return hasher.check_needs_rehash(password_hash)
