"""The triage queue, a report on one screen, claiming it and recording the decision."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.forms import ConfirmForm
from app.domain.priority import Priority
from app.domain.triage import GRADE_LABELS, NEXT_STEP_LABELS
from app.models import Role
from app.models.types import utcnow
from app.security import role_required
from app.services import repeats as repeats_service
from app.services import triage as triage_service
from app.services import triage_queue
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.safe_contact import safe_contact_rules
from app.triage import bp
from app.triage.forms import DecisionForm, QueueFilterForm
from app.triage.present import answer_sections, local_time

TRIAGE_ROLES = (Role.CALL_HANDLER, Role.SUPERVISOR)
bp.add_app_template_filter(local_time, "staff_time")


@bp.get("")
@role_required(*TRIAGE_ROLES)
def queue():
    """Reports awaiting triage, most urgent first, then oldest."""
    filters_form = QueueFilterForm(request.args)
    filters_form.validate()
    filters = triage_queue.QueueFilters(priority=filters_form.priority_value(), channel=filters_form.channel_value(),
                                        overdue_only=bool(filters_form.overdue.data))
    cursor = request.args.get("after")
    page = triage_queue.queue_page(filters, cursor)
    args = {k: v for k, v in request.args.items() if k not in ("after", "submit") and v}
    next_url = url_for("triage.queue", **args, after=page.next_cursor) if page.next_cursor else None
    first_url = url_for("triage.queue", **args) if cursor else None
    return render_template("triage/queue.html", page=page, filters_form=filters_form, filters=filters,
                           next_url=next_url, first_url=first_url, awaiting=triage_queue.count_awaiting(),
                           claim_minutes=current_app.config["TRIAGE_CLAIM_MINUTES"])


def _render_report(report_id: int, *, form: DecisionForm | None = None, conflict: str | None = None,
                   status: int = 200):
    try:
        data = triage_service.view_report(report_id, purpose="triage")
    except NotFound:
        abort(404)
    report = data.report
    mine = triage_service.holds_claim(report, current_user.id)
    claim_live = report.claimed_by_id is not None and report.claim_expires_at is not None \
        and report.claim_expires_at >= utcnow()
    if mine and form is None:
        form = DecisionForm(formdata=None, report_version=str(report.version), seen_update=str(data.latest_update_id))
    if form is not None:
        form.set_officers(triage_service.assignable_officers())
        if conflict:
            # They have now seen the current version: a resubmission decides on what is on screen.
            form.report_version.data = str(report.version)
            form.seen_update.data = str(data.latest_update_id)
    holder = None
    if claim_live and not mine and data.claimed_by is not None:
        opened_at = local_time(report.claimed_at, "%H:%M")
        holder = f"Opened by {triage_service.short_name(data.claimed_by.name)} at {opened_at}"
    return render_template(
        "triage/report.html", data=data, report=report, rules=safe_contact_rules(report.answers),
        sections=answer_sections(report.answers), repeats=repeats_service.possible_repeats(report.id),
        form=form if mine else None, mine=mine, holder=holder, conflict=conflict, action_form=ConfirmForm(),
        priority_of=lambda r: Priority(r.priority_rank), grade_labels=GRADE_LABELS,
        next_step_labels=NEXT_STEP_LABELS,
    ), status


@bp.get("/reports/<int:report_id>")
@role_required(*TRIAGE_ROLES)
def report(report_id: int):
    """The whole report on one screen, safe-contact rules first."""
    return _render_report(report_id)


@bp.post("/reports/<int:report_id>/claim")
@role_required(*TRIAGE_ROLES)
def claim(report_id: int):
    """Open a report for triage: claim it, or say who has it open."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        triage_service.claim_report(report_id, current_user.id)
    except NotFound:
        abort(404)
    except Conflict as conflict:
        return _render_report(report_id, conflict=str(conflict), status=409)
    return redirect(url_for("triage.report", report_id=report_id, _anchor="decision"))


@bp.post("/reports/<int:report_id>/release")
@role_required(*TRIAGE_ROLES)
def release(report_id: int):
    """Put a report back in the queue without a decision."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    triage_service.release_claim(report_id, current_user.id)
    flash("The report is back in the queue", "success")
    return redirect(url_for("triage.queue"))


@bp.post("/reports/<int:report_id>/decision")
@role_required(*TRIAGE_ROLES)
def decide(report_id: int):
    """Save the triage decision, unless the report changed underneath or someone else holds it."""
    form = DecisionForm()
    form.set_officers(triage_service.assignable_officers())
    if not form.validate_on_submit():
        return _render_report(report_id, form=form, status=400)
    try:
        triage_service.record_decision(
            report_id, current_user.id, form.to_input(),
            seen_version=int(form.report_version.data or 0), seen_update_id=int(form.seen_update.data or 0))
    except NotFound:
        abort(404)
    except triage_service.StaleReport as stale:
        return _render_report(report_id, form=form, conflict=str(stale), status=409)
    except Conflict as conflict:
        return _render_report(report_id, conflict=str(conflict), status=409)
    except ServiceError as problem:
        form.next_step.errors = [*form.next_step.errors, str(problem)]
        return _render_report(report_id, form=form, status=400)
    flash("Decision saved. The report has left the queue.", "success")
    return redirect(url_for("triage.queue"))
