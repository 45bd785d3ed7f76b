"""argon2id at the configured cost: full cost everywhere but the test configuration."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters
from argon2.low_level import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from app import create_app
from app.services.passwords import hash_password, needs_rehash, verify_password
from config import CONFIGS, TestConfig

ARGON2_SETTINGS = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")
# argon2-cffi's recommended parameters, as its PasswordHasher() uses them by default.
RECOMMENDED = (RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.memory_cost, RFC_9106_LOW_MEMORY.parallelism)


def _params(config_class) -> tuple[int, int, int]:
    return tuple(getattr(config_class, name) for name in ARGON2_SETTINGS)


@pytest.fixture(scope="module")
def test_app():
    # No database needed: hashing reads only the configuration.
    return create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture
def ctx(test_app):
    with test_app.app_context():
        yield test_app


def test_every_configuration_but_the_tests_hashes_at_argon2s_recommended_cost():
    hasher = PasswordHasher()
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == RECOMMENDED
    full_cost = {name: _params(config) for name, config in CONFIGS.items() if name != "test"}
    assert full_cost == {"development": RECOMMENDED, "production": RECOMMENDED}
    assert all(low < full for low, full in zip(_params(TestConfig), RECOMMENDED, strict=True))


def test_a_hash_made_at_the_test_cost_is_argon2id_and_verifies(ctx):
    stored = hash_password("correct horse battery staple")

    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == _params(TestConfig)
    assert verify_password(stored, "correct horse battery staple")
    assert not verify_password(stored, "wrong horse battery staple")
    assert not verify_password(None, "correct horse battery staple")  # unknown account: the dummy hash
    assert not verify_password("not an argon2 hash", "correct horse battery staple")
    assert not needs_rehash(stored)


def test_needs_rehash_compares_with_the_configured_parameters(ctx, monkeypatch):
    made_in_tests = hash_password("correct horse battery staple")
    for name, value in zip(ARGON2_SETTINGS, RECOMMENDED, strict=True):
        monkeypatch.setitem(ctx.config, name, value)

    assert needs_rehash(made_in_tests)
    # At the recommended cost a new hash carries the recommended parameters, and an old cheap one still verifies.
    stored = hash_password("correct horse battery staple")
    parameters = extract_parameters(stored)
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == RECOMMENDED
    assert not needs_rehash(stored)
    assert verify_password(made_in_tests, "correct horse battery staple")
