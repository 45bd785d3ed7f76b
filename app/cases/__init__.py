"""Officer casework: the pool, my cases, the case page and its actions, and supervisors' views."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/staff/cases")

from app.cases import routes, supervisor  # noqa: E402, F401  (routes register on bp)
