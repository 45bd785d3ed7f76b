"""The start page, the exit route and the information pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, session

from app.extensions import limiter
from app.public import bp
from app.public.exit_hooks import run_exit_hooks
from app.services import retention


@bp.get("/")
def start():
    """The start page: what stalking is, that anyone unsure can report, what happens next."""
    return render_template("public/start.html")


@bp.get("/exit")
@limiter.exempt
def exit_page():
    """Leave at once: delete unsaved answers, expire the session cookie, go to a neutral site."""
    run_exit_hooks()
    session.clear()
    response = redirect(current_app.config["EXIT_URL"], code=303)
    response.delete_cookie(
        current_app.config["SESSION_COOKIE_NAME"],
        path=current_app.config.get("SESSION_COOKIE_PATH") or "/",
        domain=current_app.config.get("SESSION_COOKIE_DOMAIN"),
    )
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/privacy")
def privacy():
    """The privacy notice, with how long each kind of record is kept (the retention command's own settings)."""
    return render_template("public/privacy.html", retention=retention.notice())


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("public/accessibility.html")


@bp.get("/cookies")
def cookies():
    """The cookies page: essential cookies only."""
    return render_template("public/cookies.html")
