"""The triage blueprint: the 101 queue, reading and deciding on a report, reports taken by phone."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/staff/triage")

from app.triage import phone, routes  # noqa: E402,F401  (routes register on import)
