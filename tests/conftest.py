"""Shared fixtures: an app per database engine, a clean database per test, a client.

Every test that takes `app` (or `client`, `db_session`) runs on SQLite, and again on PostgreSQL
when TEST_DATABASE_URL is set. The schema is built by the real migrations, never create_all().
With REQUIRE_POSTGRES=1 (CI), a missing TEST_DATABASE_URL is an error, not a silent skip.

Under pytest-xdist every worker has its own databases: SQLite files under its own tmp_path, and on
PostgreSQL `<TEST_DATABASE_URL's database>_<worker id>` (e.g. portal_ci_gw0), created when missing.

Most tests take `app_ctx` (or `client`, `db_session`) and start from empty tables. A module whose
tests share expensive data seeds it once in its own module-scoped fixture on `module_app`, and its
tests take `shared_ctx` instead of `app_ctx`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from psycopg.errors import DuplicateDatabase
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app import create_app
from app.extensions import db, limiter

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# CI sets these so that a missing browser, database or Redis fails the run; then no test may skip either.
NOTHING_MAY_SKIP = any(os.environ.get(f"REQUIRE_{name}") == "1" for name in ("BROWSER", "POSTGRES", "REDIS"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if NOTHING_MAY_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but REQUIRE_* is set (CI) so nothing may skip: {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def _limiter_restored():
    """Put the one module-level Limiter back as it was after every test.

    create_app binds that Limiter to the newest app: its storage follows the last app built, and a Redis
    found down leaves it flagged dead. A test that builds its own app (Redis-backed, or with Redis down)
    would leave whatever this process runs next counting rate limits in a Redis shared with other xdist
    workers and runs, or failing on a dead one. Run serially, file order happened to hide this.
    """
    saved = dict(vars(limiter))
    yield
    if vars(limiter) != saved:
        # Attribute by attribute, never cleared first: a browser test's live server may read it meanwhile.
        vars(limiter).update(saved)


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


def xdist_worker() -> str | None:
    """This process's pytest-xdist worker id (gw0, gw1, ...), or None when the tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def worker_postgres_url(url: str) -> str:
    """The PostgreSQL database this process may use: its own per xdist worker, created when missing.

    Each session drops and rebuilds its database's schema, and migration tests downgrade it, so two
    workers on one database would destroy each other's tables mid-test.
    """
    worker = xdist_worker()
    if worker is None:
        return url
    base = make_url(url)
    worker_url = base.set(database=f"{base.database}_{worker}")
    _create_database(base.set(database="postgres"), worker_url.database)
    return worker_url.render_as_string(hide_password=False)


def _create_database(maintenance_url, name: str) -> None:
    engine = create_engine(maintenance_url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                conn.execute(text(f"CREATE DATABASE {engine.dialect.identifier_preparer.quote(name)}"))
    except ProgrammingError as error:
        # Another run with the same TEST_DATABASE_URL created it between our check and CREATE: use it.
        if not isinstance(error.orig, DuplicateDatabase):
            raise
    finally:
        engine.dispose()


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
        url = worker_postgres_url(postgres_url())
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


@contextmanager
def _test_app_context(app):
    from flask import request_started

    with app.app_context(), request_started.connected_to(_fresh_request_globals, app):
        yield app
        db.session.remove()


@pytest.fixture
def app_ctx(app):
    """An app context and a database emptied after the test."""
    with _test_app_context(app):
        yield app
    empty_tables(app)


@pytest.fixture(scope="module")
def module_app(app):
    """The session app for a module that seeds shared data once and whose tests only read it (`shared_ctx`).

    Seed in a module-scoped fixture that takes this one; the tables are emptied after the module's last
    test instead of after each. Its tests must take `shared_ctx`, never `app_ctx`, which empties the tables.
    """
    yield app
    empty_tables(app)


@pytest.fixture
def shared_ctx(module_app):
    """An app context on the module's shared data, as seeded, for every test.

    A test may add rows (a new report about a seeded suspect): they are deleted after it. Changing or
    deleting seeded rows would leak into the next test, so such tests use `app_ctx` and their own data.
    """
    last_ids = _last_ids(module_app)
    with _test_app_context(module_app):
        yield module_app
    _delete_rows_after(module_app, last_ids)


def _last_ids(app) -> dict[str, int]:
    # A table's rows are numbered by an integer `id`, so "added since" is "id above the largest before".
    with app.app_context(), db.engine.connect() as conn:
        return {table.name: conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
                for table in db.metadata.sorted_tables if "id" in table.c}


def _added_since(table, last_ids: dict[str, int]):
    """The rows added since: by its own id, or (a table of parts, such as evidence chunks) by its parent's."""
    if "id" in table.c:
        return table.c.id > last_ids[table.name]
    parent = next(fk for fk in table.foreign_keys if fk.column.name == "id")
    return parent.parent > last_ids[parent.column.table.name]


def _delete_rows_after(app, last_ids: dict[str, int]) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete().where(_added_since(table, last_ids)))


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
