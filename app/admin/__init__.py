"""The admin blueprint: staff accounts (create, deactivate, reset a second factor). Admins only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")

from app.admin import routes  # noqa: E402,F401  (routes register on import)
