"""The public blueprint: pages a victim (or someone for them) uses, with no sign-in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# Routes register on import.
from app.public import draft_session, journey, later, pages  # noqa: E402,F401
