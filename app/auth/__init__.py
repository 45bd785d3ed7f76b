"""The auth blueprint: staff sign-in with a second factor, sign-out, passwords, the staff home page."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from app.auth import routes, session  # noqa: E402,F401  (routes and hooks register on import)
