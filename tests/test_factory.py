"""The application factory and configuration."""

from __future__ import annotations

import pytest

import config
from app import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_refuses_to_start_without_an_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEYS"):
        create_app("production")


def test_production_never_makes_its_own_key(monkeypatch, tmp_path):
    from app.crypto import KeyRingError

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("ENCRYPTION_KEYS", "k1:" + "A" * 43)
    with pytest.raises(KeyRingError):
        create_app("production", overrides={"ENCRYPTION_KEYS": ""})


def test_production_cookie_is_secure_and_no_demo_accounts(monkeypatch):
    from app.crypto import new_key

    key = f"k1:{new_key()}"
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("ENCRYPTION_KEYS", key)
    app = create_app("production", overrides={"SECRET_KEY": "x" * 32, "ENCRYPTION_KEYS": key})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["CREATE_DEMO_STAFF"] is False


def test_unset_flask_config_means_production(monkeypatch):
    monkeypatch.delenv("FLASK_CONFIG", raising=False)
    assert config.get_config() is config.ProductionConfig


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown FLASK_CONFIG"):
        config.get_config("staging-ish")


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg3(given, expected):
    assert config._normalise_database_url(given) == expected


def test_blueprints_and_extensions_registered(app):
    assert {"public", "ops"} <= set(app.blueprints)
    for name in ("sqlalchemy", "migrate", "csrf", "limiter"):
        assert name in app.extensions


def test_failed_statements_never_print_their_parameters(app):
    # Victim data must not reach the logs through a database error message.
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
