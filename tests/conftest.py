"""Shared fixtures: an app per database engine, a clean database per test, a client.

Every test that takes `app` (or `client`, `db_session`) runs on SQLite, and again on PostgreSQL
when TEST_DATABASE_URL is set. The schema is built by the real migrations, never create_all().
With REQUIRE_POSTGRES=1 (CI), a missing TEST_DATABASE_URL is an error, not a silent skip.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _engines() -> list[str]:
    engines = ["sqlite"]
    if TEST_DATABASE_URL:
        engines.append("postgresql")
    elif os.environ.get("REQUIRE_POSTGRES") == "1":
        raise RuntimeError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    return engines


def postgres_url() -> str:
    """TEST_DATABASE_URL with the psycopg 3 dialect named."""
    url = TEST_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


def reset_postgres_schema(url: str) -> None:
    """Drop everything in the test database's public schema so migrations start from empty."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_test_app(database_url: str, **overrides):
    """A test app on `database_url` with the migrations applied."""
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session", params=_engines())
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(engine_name, tmp_path_factory):
    if engine_name == "postgresql":
        url = postgres_url()
        reset_postgres_schema(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upload_dir = tmp_path_factory.mktemp("uploads")
    app = make_test_app(url, UPLOAD_DIR=str(upload_dir))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_tables(app) -> None:
    """Delete every row, children first, keeping the schema and alembic_version."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _fresh_request_globals(sender, **extra) -> None:
    # In production every request gets its own app context, so `g` starts empty. Tests hold one app
    # context open across many test-client requests; without this, g (the CSRF token, the signed-in
    # user) would leak from one request into the next, which no real request ever sees.
    from flask import g

    g.__dict__.clear()


@pytest.fixture
def app_ctx(app):
    """An app context and a database emptied after the test."""
    from flask import request_started

    with app.app_context(), request_started.connected_to(_fresh_request_globals, app):
        yield app
        db.session.remove()
    empty_tables(app)


@pytest.fixture
def client(app_ctx):
    return app_ctx.test_client()


@pytest.fixture
def db_session(app_ctx):
    return db.session


CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
REQUIRE_CLAMAV = os.environ.get("REQUIRE_CLAMAV") == "1"


def clamd_settings() -> dict[str, object]:
    """The real clamd this run may use (CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT), as app settings."""
    if CLAMD_SOCKET:
        return {"CLAMD_SOCKET": CLAMD_SOCKET, "CLAMD_HOST": None}
    if CLAMD_HOST:
        return {"CLAMD_SOCKET": None, "CLAMD_HOST": CLAMD_HOST, "CLAMD_PORT": int(os.environ.get("CLAMD_PORT", 3310))}
    if REQUIRE_CLAMAV:
        pytest.fail("REQUIRE_CLAMAV=1 but neither CLAMD_SOCKET nor CLAMD_HOST is set")
    pytest.skip("no clamd (set CLAMD_SOCKET; `make clamd` starts one; CI requires it)")


@pytest.fixture
def clamd(app_ctx):
    """Point the test app at the real clamd for one test (scripts/local-clamd.sh starts one with EICAR)."""
    settings = clamd_settings()
    saved = {name: app_ctx.config.get(name) for name in settings}
    app_ctx.config.update(settings)
    yield settings
    app_ctx.config.update(saved)
