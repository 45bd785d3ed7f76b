"""The portal's application factory."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.domain.retention import policy_from_settings
from config import BASE_DIR, get_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app for a configuration (development, test, production) with optional overrides."""
    config_class = get_config(config_name)
    if hasattr(config_class, "check"):
        config_class.check()

    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"), static_folder="static")
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    # A retention setting that cannot be read stops the app here, not in the middle of a cron run.
    policy_from_settings(app.config)
    # The embedded SQLite database and uploads live under instance/, outside the web root.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # One proxy (the load balancer) in front: trust its X-Forwarded-For/Proto for client IPs and HTTPS.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]

    _configure_logging(app)
    _init_extensions(app)

    from app import cli, crypto
    from app.web import error_pages, navigation, security, service_calls, templating

    crypto.init_app(app)
    templating.init_app(app)
    _register_blueprints(app)
    security.init_app(app)
    error_pages.init_app(app)
    service_calls.init_app(app)
    navigation.init_app(app)
    cli.init_app(app)
    return app


class _NoResultRows(logging.Filter):
    """SQLAlchemy at DEBUG logs every row it fetches, already decrypted: no row may reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def _configure_logging(app: Flask) -> None:
    # Logs go to stdout for the platform to collect. Nothing logged may hold victim free text.
    engine_logger = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _NoResultRows) for f in engine_logger.filters):
        engine_logger.addFilter(_NoResultRows())
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False


def _init_extensions(app: Flask) -> None:
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None

    from app import models

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(models.StaffUser, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.cases import bp as cases_bp
    from app.ops.routes import bp as ops_bp
    from app.public import bp as public_bp
    from app.triage import bp as triage_bp

    for blueprint in (public_bp, ops_bp, auth_bp, admin_bp, triage_bp, cases_bp):
        app.register_blueprint(blueprint)
