"""Operations endpoints for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.extensions import db, limiter

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not answering
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    body = {"status": "ok" if healthy else "unavailable", "database": database}
    return jsonify(body), 200 if healthy else 503
