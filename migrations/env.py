"""Alembic environment: runs the migrations against the app's database."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import text
from sqlalchemy.types import TypeDecorator

config = context.config
# Keep the app's own loggers working when migrations run inside it (tests, `make run`).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# Two deploys starting at once must not migrate at once (PostgreSQL only; SQLite has one writer).
MIGRATION_LOCK_ID = 7_364_401
AFTER_COMMIT = "after_commit"


def get_engine():
    return current_app.extensions["migrate"].db.engine


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    # Render the app's column types as their plain SQLAlchemy type so migrations never import app code.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An autogenerate with no changes writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)

    with get_engine().connect() as connection:
        is_postgres = connection.dialect.name == "postgresql"
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
            # Work a migration may only do once its changes are committed (deleting files it moved into the
            # database): it registers callables in connection.info[AFTER_COMMIT].
            for callback in connection.info.pop(AFTER_COMMIT, []):
                callback()
        finally:
            if is_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
