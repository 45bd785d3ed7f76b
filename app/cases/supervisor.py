"""Supervisors' views: open cases by risk, unassigned high-risk work, overdue triage and updates, reassignment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.cases import bp
from app.cases.forms import ReassignForm
from app.cases.views import form_page, run
from app.extensions import db
from app.models import Role
from app.security import role_required
from app.services import audit, cases
from app.services.errors import NotFound

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
POOL = "pool"


@bp.get("/supervisor")
@role_required(*SUPERVISORS)
def supervisor():
    """The force's casework at a glance."""
    view = cases.supervisor_view()
    audit.record("cases.supervisor_viewed", "case", None)
    db.session.commit()
    return render_template("cases/supervisor.html", view=view)


@bp.route("/<int:case_id>/reassign", methods=["GET", "POST"])
@role_required(*SUPERVISORS)
def reassign(case_id: int):
    """Give a case to another officer, or back to the pool."""
    try:
        case = cases.get_case(case_id)
    except NotFound:
        abort(404)
    form = ReassignForm()
    form.officer.choices = [SelectChoice("", "Choose an officer"), SelectChoice(POOL, "Nobody: back to the pool")] + [
        SelectChoice(str(o.id), o.name + (" (VEO)" if o.is_veo else "")) for o in cases.officers()
    ]
    if request.method == "GET":
        form.version.data = case.version
        audit.record("case.viewed", "case", case.id, details={"page": request.endpoint})
        db.session.commit()
    context = {"case": case, "current_version": case.version,
               "owner_name": cases.staff_names({case.owner_id}).get(case.owner_id)}
    if form.validate_on_submit():
        choice = form.officer.data
        officer_id = None if choice == POOL else int(choice) if choice.isdigit() else -1
        _, response = run(form, lambda: cases.reassign(
            case_id, current_user, officer_id=officer_id, expected_version=form.version.data,
        ), "cases/reassign.html", **context)
        if response is not None:
            return response
        flash("Case reassigned.", "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return form_page("cases/reassign.html", form, **context)
