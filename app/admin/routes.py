"""Staff accounts: list, create, deactivate, reset second factor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import CreateStaffForm
from app.auth.forms import ConfirmForm
from app.models import Role
from app.security import role_required
from app.services import auth as auth_service
from app.services.errors import NotFound, ServiceError


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
            user, password = auth_service.admin_create_staff(form.name.data, form.email.data, Role(form.role.data),
                                                             is_veo=form.is_veo.data)
        except ServiceError as failure:
            field = form.email if "email" in str(failure).lower() else form.name
            field.errors.append(str(failure))
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
        user = auth_service.deactivate_staff(staff_id, actor_id=current_user.id)
    except NotFound:
        abort(404)
    except ServiceError as failure:
        flash(str(failure), "error")
    else:
        flash(f"{user.name} can no longer sign in", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:staff_id>/reset-second-factor")
@role_required(Role.ADMIN)
def reset_second_factor(staff_id: int):
    """Forget an account's authenticator app and password; the new one-time password is shown once, here."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        user, password = auth_service.reset_second_factor(staff_id)
    except NotFound:
        abort(404)
    return render_template("admin/staff_created.html", user=user, password=password, reset=True)
