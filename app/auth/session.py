"""The signed-in staff session: start and end it, idle timeout, forced password change."""

from __future__ import annotations

import time

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.models import StaffUser

SIGNED_OUT_REASON = "staff_signed_out"
# Pages a person who must change their password may still reach.
_DURING_PASSWORD_CHANGE = {"auth.change_password", "auth.sign_out", "auth.sign_in", "static"}


def start(user: StaffUser, token: str | None) -> None:
    """A fresh session (no fixation) for a signed-in person, carrying their current session token."""
    session.clear()
    login_user(user)
    session["staff_token"] = token
    session["staff_seen"] = int(time.time())


def end(reason: str | None = None) -> None:
    """Forget the signed-in person; `reason` is shown once on the sign-in page."""
    logout_user()
    session.clear()
    if reason:
        session[SIGNED_OUT_REASON] = reason


def _is_staff_endpoint(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return view is not None and hasattr(view, "allowed_roles")


@bp.before_app_request
def enforce_staff_session():
    """Every request from a signed-in person: a current session token, the idle timeout, a forced password change."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None
    idle_limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    now = int(time.time())
    token_ok = bool(current_user.session_token) and session.get("staff_token") == current_user.session_token
    idle = now - int(session.get("staff_seen", 0)) > idle_limit
    if not token_ok or idle:
        end("timeout" if token_ok else "ended")
        if _is_staff_endpoint(request.endpoint):
            return redirect(url_for("auth.sign_in"))
        return None
    session["staff_seen"] = now
    if current_user.must_change_password and request.endpoint not in _DURING_PASSWORD_CHANGE \
            and _is_staff_endpoint(request.endpoint):
        return redirect(url_for("auth.change_password"))
    return None
