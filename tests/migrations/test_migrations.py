"""Every migration applies to an empty database on each engine, and matches the models exactly."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _script_directory(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config(str(MIGRATIONS)))


def test_models_and_migrations_do_not_differ(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ; add a migration: {differences}"


def test_database_is_at_the_single_head(app_ctx):
    heads = _script_directory(app_ctx).get_heads()
    assert len(heads) == 1, f"migration history has branched: {heads}"
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == heads[0]


def test_current_head_file_names_the_head(app_ctx):
    # Two branches that each add a migration then conflict in git, not in production.
    recorded = (MIGRATIONS / ".current-alembic-head").read_text().strip()
    assert recorded == _script_directory(app_ctx).get_current_head()


def test_file_names_are_a_readable_sequence(app_ctx):
    for script in _script_directory(app_ctx).walk_revisions():
        name = Path(script.path).stem
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+", name), name
        assert name.startswith(script.revision + "_"), f"{name}: revision id must be the file's number"


def test_downgrade_to_empty_and_back(app_ctx):
    downgrade(directory=str(MIGRATIONS), revision="base")
    with db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(directory=str(MIGRATIONS))
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert {"report", "staff_user", "audit_event"} <= tables
