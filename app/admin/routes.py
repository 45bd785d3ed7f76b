"""Staff accounts: list, create, deactivate, reset second factor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from app.admin import bp
from app.admin.forms import CreateStaffForm
from app.models import Role
from app.services import auth as auth_service
from app.services.errors import Conflict, FieldError
from app.web.actor import current_actor
from app.web.fields import ConfirmForm
from app.web.security import role_required
from app.web.service_calls import add_field_errors


@bp.get("/staff")
@role_required(Role.ADMIN)
def staff_list():
    """Every staff account, with its actions."""
    return render_template("admin/staff_list.html", staff=auth_service.list_staff(), form=None,
                           action_form=ConfirmForm())


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_staff():
    """Create an account; the one-time password is shown once, here."""
    form = CreateStaffForm()
    if form.validate_on_submit():
        try:
            user, password = auth_service.admin_create_staff(current_actor(), form.name.data, form.email.data,
                                                             Role(form.role.data), is_veo=form.is_veo.data)
        except FieldError as failure:
            add_field_errors(form, failure)
        else:
            return render_template("admin/staff_created.html", user=user, password=password)
    return render_template("admin/create_staff.html", form=form)


@bp.post("/staff/<int:staff_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(staff_id: int):
    """Stop an account signing in."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        user = auth_service.deactivate_staff(current_actor(), staff_id)
    except Conflict as failure:
        flash(failure.message, "error")
    else:
        flash(f"{user.name} can no longer sign in", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:staff_id>/reset-second-factor")
@role_required(Role.ADMIN)
def reset_second_factor(staff_id: int):
    """Forget an account's authenticator app and password; the new one-time password is shown once, here."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user, password = auth_service.reset_second_factor(current_actor(), staff_id)
    return render_template("admin/staff_created.html", user=user, password=password, reset=True)
