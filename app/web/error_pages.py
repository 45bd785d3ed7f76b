"""Error pages: they keep the exit control and helplines and reveal nothing internal."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

ERROR_PAGES = {
    400: ("Sorry, there is a problem with the page", "errors/400.html"),
    403: ("You do not have access to this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with the page", "errors/400.html"),
    413: ("The file is too big", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/500.html"),
}


def render_error(code: int):
    """Render the page for an HTTP error code."""
    title, template = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template(template, title=title, code=code), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html", title="Your page timed out"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        response = render_error(code if code in ERROR_PAGES else 500)
        allowed = getattr(error, "valid_methods", None)
        if code == 405 and allowed:
            rendered, status = response
            return rendered, status, {"Allow": ", ".join(allowed)}
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Roll back first so the error page (and the next request) does not inherit a broken transaction.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            app.logger.warning("rollback failed after an unexpected error")
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unexpected error on %s", _endpoint_name())
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        return render_error(500)


def _endpoint_name() -> str:
    from flask import request

    return request.endpoint or "unknown endpoint"
