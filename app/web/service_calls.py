"""The one way service errors reach the person: a page, or the form again with the message on its field.

NotFound and Forbidden become the 404 and 403 pages wherever they are raised (registered on the app).
`run()` calls a use case from a form page: a FieldError puts each message on its field; a Stale error shows
the form again with what was typed and the message; any other refusal shows the form with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, render_template, request
from flask_wtf import FlaskForm

from app.services.errors import FieldError, Forbidden, NotFound, ServiceError, Stale
from app.web.error_pages import render_error

T = TypeVar("T")


def add_field_errors(form: FlaskForm, error: FieldError) -> None:
    """Put each message on the field it names (or above the form when no such field is on it)."""
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def run(form: FlaskForm, action: Callable[[], T], template: str, **context: Any) -> tuple[T | None, Any]:
    """Call a use case for a form page: (result, None) on success, or (None, the response to send)."""
    try:
        return action(), None
    except FieldError as error:
        add_field_errors(form, error)
        return None, (render_template(template, form=form, **context), 400)
    except Stale as error:
        if "version" in form and context.get("current_version") is not None:
            # The person sees the message and what they typed; saving again is a decision to overwrite.
            form.version.data = context["current_version"]
            # The hidden input renders what was posted (raw_data) over .data, so replace that too.
            form.version.raw_data = [str(context["current_version"])]
        return None, (render_template(template, form=form, stale=error.message, **context), 409)
    except (NotFound, Forbidden):
        raise
    except ServiceError as error:
        return None, (render_template(template, form=form, stale=error.message, **context), 409)


def form_page(template: str, form: FlaskForm, **context: Any):
    """Show a form page; a submitted form that failed validation answers 400."""
    return render_template(template, form=form, **context), 400 if request.method == "POST" else 200


def init_app(app: Flask) -> None:
    """Turn NotFound and Forbidden from any service into the 404 and 403 pages."""
    app.register_error_handler(NotFound, lambda error: render_error(404))
    app.register_error_handler(Forbidden, lambda error: render_error(403))
