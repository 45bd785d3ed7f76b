"""Helpers the casework routes share: turning service errors into pages and form messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, request
from flask_wtf import FlaskForm

from app.services.cases import FieldError, Forbidden, StaleCase
from app.services.errors import NotFound, ServiceError


def run(form: FlaskForm, action: Callable[[], Any], template: str, **context: Any):
    """Call a service; on a rule broken, re-show the form with what was entered and the message.

    Returns (result, None) on success or (None, response) to send instead.
    """
    try:
        return action(), None
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    except StaleCase as error:
        if "version" in form and context.get("current_version") is not None:
            # The officer sees the message and what they typed; saving again is a decision to overwrite.
            form.version.data = context["current_version"]
            # The hidden input renders what was posted (raw_data) over .data, so replace that too.
            form.version.raw_data = [str(context["current_version"])]
        return None, (render_template(template, form=form, stale=str(error), **context), 409)
    except FieldError as error:
        field = form._fields.get(error.field)
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            form.form_errors.append(str(error))
        return None, (render_template(template, form=form, **context), 400)
    except ServiceError as error:
        return None, (render_template(template, form=form, stale=str(error), **context), 409)


def form_page(template: str, form: FlaskForm, **context: Any):
    """Show a form page; a submitted form that failed validation answers 400."""
    return render_template(template, form=form, **context), 400 if request.method == "POST" else 200
