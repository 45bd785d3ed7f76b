"""The key ring: authenticated encryption (AES-256-GCM, from `cryptography`) under keys named by id.

Every stored ciphertext starts with the id of the key that sealed it, so keys can be rotated: a new key
becomes current and seals everything new, old keys stay in the ring to open what they sealed, and the
re-encryption command moves old data onto the current key until an old key can be removed.

Layout of a sealed value: b"v1:" + key id + b":" + 12-byte nonce + ciphertext with its 16-byte tag.
The `context` (what the value is, e.g. b"person.name") is authenticated with it, so a ciphertext moved
into another column or row kind fails to open instead of showing the wrong thing.

Configuration (config.py): ENCRYPTION_KEYS is "id:base64key,id:base64key" (32-byte keys); the first is
current unless ENCRYPTION_KEY_CURRENT names another. Development and tests generate a key under
instance/ when none is set; production refuses to start without one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

MAGIC = b"v1:"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class KeyRingError(Exception):
    """The keys are missing or malformed, or a value cannot be opened with the keys in the ring."""


@dataclass(frozen=True)
class KeyRing:
    """Named AES-256 keys, one of them current."""

    keys: Mapping[str, bytes]
    current_id: str
    # One cipher object per key, made on first use: building one costs more than sealing a short value.
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.current_id not in self.keys:
            raise KeyRingError(f"the current key {self.current_id!r} is not in the key ring")
        for key_id, key in self.keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise KeyRingError(f"bad key id {key_id!r}: letters, digits, - and _ only, at most 32")
            if len(key) != KEY_BYTES:
                raise KeyRingError(f"key {key_id!r} must be {KEY_BYTES} bytes")

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        """Encrypt under the current key, binding `context` to the ciphertext."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher(self.current_id).encrypt(nonce, plaintext, context)
        return MAGIC + self.current_id.encode() + b":" + nonce + sealed

    def open(self, token: bytes, *, context: bytes) -> bytes:
        """Decrypt a sealed value with the key it names; KeyRingError if it is not ours or was altered."""
        key_id, nonce, sealed = _split(token)
        if key_id not in self.keys:
            raise KeyRingError(f"no key {key_id!r} in the key ring to open this value")
        try:
            return self._cipher(key_id).decrypt(nonce, sealed, context)
        except InvalidTag:
            raise KeyRingError("the value was altered, or sealed for something else") from None

    def current_prefix(self) -> bytes:
        """The first bytes of every value sealed under the current key (queries find older values by it)."""
        return MAGIC + self.current_id.encode() + b":"

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            cipher = self._ciphers[key_id] = AESGCM(self.keys[key_id])
        return cipher

    def is_current(self, token: bytes) -> bool:
        """Whether a sealed value is under the current key (the re-encryption command skips those)."""
        return _split(token)[0] == self.current_id

    def reseal(self, token: bytes, *, context: bytes) -> bytes:
        """The same plaintext, sealed again under the current key."""
        return token if self.is_current(token) else self.seal(self.open(token, context=context), context=context)


def key_id_of(token: bytes) -> str:
    """The id of the key a sealed value names."""
    return _split(token)[0]


def _split(token: bytes) -> tuple[str, bytes, bytes]:
    if not token.startswith(MAGIC):
        raise KeyRingError("not a sealed value")
    key_id, sep, rest = token[len(MAGIC):].partition(b":")
    if not sep or len(rest) < NONCE_BYTES + 16:
        raise KeyRingError("not a sealed value")
    return key_id.decode("ascii", "replace"), rest[:NONCE_BYTES], rest[NONCE_BYTES:]


def new_key() -> str:
    """A new random key, base64-encoded, for ENCRYPTION_KEYS."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_keys(spec: str, current: str | None = None) -> KeyRing:
    """A key ring from "id:base64key,id:base64key" (the first is current unless `current` names one)."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep:
            raise KeyRingError("each key must be written id:base64key")
        try:
            keys[key_id] = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise KeyRingError(f"key {key_id!r} is not base64") from None
        order.append(key_id)
    if not keys:
        raise KeyRingError("no encryption keys given")
    return KeyRing(keys, current or order[0])


def development_keys(instance_dir: Path) -> str:
    """The key spec kept under instance/ for development and tests, made the first time it is needed."""
    path = instance_dir / "encryption-keys"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions: it opens every victim's words in the local database.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"dev1:{new_key()}\n")
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    """Build the app's key ring from configuration (development makes its own under instance/)."""
    spec = app.config.get("ENCRYPTION_KEYS")
    if not spec:
        if not app.config.get("GENERATE_DEVELOPMENT_KEYS"):
            raise KeyRingError("ENCRYPTION_KEYS must be set: see the README (Keys and rotation)")
        spec = development_keys(Path(app.instance_path))
    app.extensions["keyring"] = parse_keys(spec, app.config.get("ENCRYPTION_KEY_CURRENT") or None)


def lookup_secret(purpose: bytes) -> bytes:
    """A key for keyed hashes (repeat matching, return codes), derived from MATCHING_KEY, else SECRET_KEY.

    Not from the key ring: keyed hashes are looked up by equality, so rotating encryption keys must not change them.
    """
    base = current_app.config.get("MATCHING_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(base.encode(), purpose, hashlib.sha256).digest()


def current_keyring() -> KeyRing:
    """The running app's key ring."""
    ring = current_app.extensions.get("keyring")
    if not isinstance(ring, KeyRing):
        raise KeyRingError("the key ring is not set up: create_app() builds it")
    return ring
