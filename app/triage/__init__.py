"""The triage blueprint: the 101 queue, reading and deciding on a report, reports taken by phone."""

from flask import Blueprint

# cli_group=None: its commands are top-level (`flask --app wsgi seed-demo`).
bp = Blueprint("triage", __name__, url_prefix="/staff/triage", cli_group=None)

from app.triage import commands, phone, routes  # noqa: E402,F401  (routes register on import)
