"""The victim's guided report (placeholder until the journey lands)."""

from flask import render_template

from app.public import bp


@bp.get("/report/start")
def journey_start():
    """Where "Start now" leads."""
    return render_template("public/start.html")
