"""Response headers every page carries, and the role check every staff route carries."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, has_request_context, request
from flask_login import current_user

from app.extensions import login_manager
from app.models.staff import Role

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def csp_nonce() -> str:
    """A fresh nonce per request for the inline scripts GOV.UK Frontend needs."""
    # Kept on the request, not on g: g lives as long as the app context, which may span requests.
    if not has_request_context():
        return secrets.token_urlsafe(18)
    nonce = request.environ.get("portal.csp_nonce")
    if nonce is None:
        nonce = request.environ["portal.csp_nonce"] = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    """No inline script or style without the nonce, nothing from another origin, no framing."""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def set_security_headers(response):
    """Add the security headers to every response, error pages included."""
    nonce = csp_nonce()
    headers = response.headers
    if "sandbox" not in headers.get("Content-Security-Policy", ""):
        # A file download sets a stricter sandboxed policy of its own; every other response gets the page policy.
        headers["Content-Security-Policy"] = content_security_policy(nonce)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/"):
        # Any page may show victim or case data, and Back after exit must not show it again.
        headers["Cache-Control"] = "no-store, max-age=0"
        headers["Pragma"] = "no-cache"
        headers["Expires"] = "0"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)


def role_required(*roles: Role) -> Callable:
    """Staff route guard: anonymous to sign-in, signed in without one of `roles` to 403."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]  # read by the menu and the tests
        return wrapped

    return decorator
