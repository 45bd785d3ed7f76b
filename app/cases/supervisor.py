"""Supervisors' views: open cases by risk, unassigned high-risk work, overdue triage and updates, reassignment."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from app.cases import bp
from app.cases.forms import ReassignForm
from app.models import Role
from app.services import staff_directory
from app.services.casework import access, supervision
from app.web.actor import current_actor
from app.web.security import role_required
from app.web.service_calls import form_page, run

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
POOL = "pool"


@bp.get("/supervisor")
@role_required(*SUPERVISORS)
def supervisor():
    """The force's casework at a glance."""
    return render_template("cases/supervisor.html", view=supervision.supervisor_view(current_actor()))


@bp.route("/<int:case_id>/reassign", methods=["GET", "POST"])
@role_required(*SUPERVISORS)
def reassign(case_id: int):
    """Give a case to another officer, or back to the pool."""
    case = access.open_case(case_id, current_actor(), change=True, page=request.endpoint or "",
                            audit_view=request.method == "GET")
    form = ReassignForm()
    form.officer.choices = [SelectChoice("", "Choose an officer"), SelectChoice(POOL, "Nobody: back to the pool")] + [
        SelectChoice(str(o.id), o.name + (" (VEO)" if o.is_veo else "")) for o in staff_directory.active_officers()
    ]
    if request.method == "GET":
        form.version.data = case.version
    context = {"case": case, "current_version": case.version,
               "owner_name": staff_directory.staff_names([case.owner_id]).get(case.owner_id or 0)}
    if form.validate_on_submit():
        choice = form.officer.data
        officer_id = None if choice == POOL else int(choice) if choice.isdigit() and len(choice) <= 9 else -1
        _, response = run(form, lambda: supervision.reassign(
            case_id, current_actor(), officer_id=officer_id, expected_version=form.version.data,
        ), "cases/reassign.html", **context)
        if response is not None:
            return response
        flash("Case reassigned.", "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return form_page("cases/reassign.html", form, **context)
