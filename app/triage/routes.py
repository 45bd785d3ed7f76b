"""The triage queue, a report on one screen, claiming it and recording the decision."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.evidence_formats import download_name
from app.domain.priority import Priority
from app.domain.triage import GRADE_LABELS, NEXT_STEP_LABELS
from app.domain.uk_time import uk_clock
from app.models import Role
from app.models.types import utcnow
from app.services import repeats as repeats_service
from app.services import staff_directory, triage_queue
from app.services import triage as triage_service
from app.services.casework.access import officer_may_read_report
from app.services.casework.victim_contact import rules_for_reports
from app.services.errors import Conflict, FieldError
from app.services.evidence import NotScanned, human_size
from app.triage import bp
from app.triage.forms import DecisionForm, QueueFilterForm
from app.web.actor import current_actor
from app.web.downloads import streamed_attachment
from app.web.fields import ConfirmForm
from app.web.report_contents import answer_sections
from app.web.security import role_required
from app.web.service_calls import add_field_errors

TRIAGE_ROLES = (Role.CALL_HANDLER, Role.SUPERVISOR)
# Evidence is part of the report: call handlers read it at triage, officers and VEOs when they work the case.
EVIDENCE_ROLES = (Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR)


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
    # The page number only labels the page ("Showing 26 to 50"); the signed cursor decides what is on it.
    number = request.args.get("page", type=int) or 1
    number = number if cursor and 1 < number < 100_000 else 1
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("after", "submit", "page") and v}
    next_url = url_for("triage.queue", **args, after=page.next_cursor, page=number + 1) if page.next_cursor else None
    first_url = url_for("triage.queue", **args) if cursor else None
    awaiting = triage_queue.count_awaiting()
    matching = triage_queue.count_awaiting(filters) if filters.is_filtered() else awaiting
    first_row = (number - 1) * current_app.config["TRIAGE_QUEUE_PAGE_SIZE"] + 1
    return render_template("triage/queue.html", page=page, filters_form=filters_form, filters=filters,
                           next_url=next_url, first_url=first_url, awaiting=awaiting, matching=matching,
                           first_row=first_row, claim_minutes=current_app.config["TRIAGE_CLAIM_MINUTES"])


def _render_report(report_id: int, *, form: DecisionForm | None = None, conflict: str | None = None,
                   status: int = 200):
    data = triage_service.view_report(report_id, current_actor(), purpose="triage")
    report = data.report
    mine = triage_service.holds_claim(report, current_user.id)
    claim_live = report.claimed_by_id is not None and report.claim_expires_at is not None \
        and report.claim_expires_at >= utcnow()
    if mine and form is None:
        form = DecisionForm(formdata=None, report_version=str(report.version), seen_update=str(data.latest_update_id))
    if form is not None:
        form.set_officers(staff_directory.active_officers())
        if conflict:
            # They have now seen the current version: a resubmission decides on what is on screen.
            form.report_version.data = str(report.version)
            form.seen_update.data = str(data.latest_update_id)
    holder = None
    if claim_live and not mine and data.claimed_by is not None:
        holder = f"Opened by {triage_service.short_name(data.claimed_by.name)} at {uk_clock(report.claimed_at)}"
    return render_template(
        "triage/report.html", data=data, report=report,
        rules=rules_for_reports([report], data.updates),  # a victim's newer contact rules win
        sections=answer_sections(report.parsed_answers()), repeats=repeats_service.possible_repeats(report.id),
        form=form if mine else None, mine=mine, holder=holder, conflict=conflict, action_form=ConfirmForm(),
        priority_of=lambda r: Priority(r.priority_rank), grade_labels=GRADE_LABELS,
        next_step_labels=NEXT_STEP_LABELS, human_size=human_size,
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
        triage_service.claim_report(report_id, current_actor())
    except Conflict as conflict:
        return _render_report(report_id, conflict=conflict.message, status=409)
    return redirect(url_for("triage.report", report_id=report_id, _anchor="decision"))


@bp.post("/reports/<int:report_id>/release")
@role_required(*TRIAGE_ROLES)
def release(report_id: int):
    """Put a report back in the queue without a decision."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    triage_service.release_claim(report_id, current_actor())
    flash("The report is back in the queue", "success")
    return redirect(url_for("triage.queue"))


@bp.post("/reports/<int:report_id>/decision")
@role_required(*TRIAGE_ROLES)
def decide(report_id: int):
    """Save the triage decision, unless the report changed underneath or someone else holds it."""
    form = DecisionForm()
    form.set_officers(staff_directory.active_officers())
    if not form.validate_on_submit():
        return _render_report(report_id, form=form, status=400)
    try:
        triage_service.record_decision(
            report_id, current_actor(), form.to_input(),
            seen_version=_whole(form.report_version.data), seen_update_id=_whole(form.seen_update.data))
    except FieldError as problem:
        add_field_errors(form, problem)
        return _render_report(report_id, form=form, status=400)
    except triage_service.StaleReport as stale:
        return _render_report(report_id, form=form, conflict=stale.message, status=409)
    except Conflict as conflict:
        return _render_report(report_id, conflict=conflict.message, status=409)
    flash("Decision saved. The report has left the queue.", "success")
    return redirect(url_for("triage.queue"))


@bp.get("/reports/<int:report_id>/evidence/<int:file_id>")
@role_required(*EVIDENCE_ROLES)
def evidence_file(report_id: int, file_id: int):
    """Download one evidence file: always as an attachment, never shown in the browser, and audited."""
    actor = current_actor()
    if actor.role is Role.OFFICER and not officer_may_read_report(report_id, actor):
        abort(404)  # officers reach evidence through their cases; no guessing other reports' files
    try:
        row, stored = triage_service.evidence_download(report_id, file_id, actor)
    except NotScanned as not_scanned:
        return render_template("triage/evidence_not_scanned.html", title="This file cannot be downloaded yet",
                               message=not_scanned.message, report_id=report_id), 409
    # Streamed: opened a chunk at a time as it is sent, so no file is ever whole in memory.
    return streamed_attachment(stored.plain_chunks(), name=download_name(row.original_name, row.content_type),
                               mimetype=row.content_type, size=stored.size)


def _whole(value: str | None) -> int:
    """A hidden form number as an int (0 when missing or not a number: the service then finds it stale)."""
    return int(value) if value and value.isdigit() and len(value) < 10 else 0
