"""The public blueprint: pages a victim (or someone for them) uses, with no sign-in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import pages  # noqa: E402,F401  (routes register on import)
from app.public import journey  # noqa: E402,F401
