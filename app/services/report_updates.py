"""A victim coming back to a report: sign in with reference and passphrase, see its status, add to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.domain.answers import IncidentAnswer
from app.domain.priority import Priority, ReportFacts, assess_priority, most_urgent
from app.domain.reference import normalise_reference
from app.domain.uk_time import uk_datetime
from app.extensions import db
from app.models import EvidenceFile, Report, ReportStatus, ReportUpdate
from app.models.types import utcnow
from app.services import audit, evidence
from app.services.actor import Actor
from app.services.errors import NotFound, ServiceError
from app.services.passwords import verify_password
from app.services.reports import incident_row
from app.services.sla import triage_due
from app.services.transaction import autocommit


class SignInFailed(ServiceError):
    """One message for any wrong detail: it never says whether the reference exists."""


def sign_in(reference: str, passphrase: str) -> int:
    """The id of the report these details open; raises SignInFailed otherwise."""
    normalised = normalise_reference(reference)
    report = None
    if normalised:
        report = db.session.scalar(select(Report).where(Report.reference == normalised))
    # Always verify, so an unknown reference takes as long as a wrong passphrase.
    ok = verify_password(report.passphrase_hash if report is not None else None, passphrase)
    if report is None or not ok:
        raise SignInFailed("no match")
    return report.id


@dataclass(frozen=True)
class Status:
    reference: str
    label: str
    received_at: datetime
    next_update: str


def _report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("No such report")
    return report


def status(report_id: int) -> Status:
    """Where the report is, in neutral words, and when the person should next hear."""
    report = _report(report_id)
    label = ReportStatus(report.status).victim_label
    if report.status is ReportStatus.CLOSED:
        next_update = "This report is closed. You can still add to it, and we will look at what you add."
    elif report.awaiting_triage and report.sla_due_at is not None:
        due = uk_datetime(report.sla_due_at)
        next_update = f"We aim to look at it by {due}. We will only contact you in the ways you told us are safe."
    else:
        next_update = ("An officer will update you within 5 working days of any change, "
                       "in the ways you told us are safe.")
    return Status(report.reference, label, report.received_at, next_update)


@autocommit
def add_to_report(report_id: int, incident: dict[str, Any] | None, uploads: list[FileStorage]) -> ReportUpdate:
    """Store new incidents and files as one update; the report goes back to the triage queue."""
    report = _report(report_id)
    rows: list[EvidenceFile] = []
    # Stored bytes belong to rows in this transaction: if it does not commit (a refused file), they go too.
    try:
        for upload in uploads:
            rows.append(evidence.store_upload(upload, already=len(rows), report_id=report.id))
    finally:
        evidence.close_all(uploads)
    item = IncidentAnswer.parse(incident) if incident else None
    count = 1 if item is not None else 0
    update = _new_update(report, {"incidents": count, "files": len(rows)}, incident_count=count)
    if item is not None:
        db.session.add(incident_row(item, report_id=report.id, update_id=update.id))
    for row in rows:
        row.update_id = update.id
    audit.record(Actor.victim(), "report.update", "report", report.id,
                 details={"update_id": update.id, "incidents": count, "files": len(rows)})
    return update


@autocommit
def change_contact_rules(report_id: int, contact: dict[str, Any]) -> ReportUpdate:
    """Store new safe-contact rules (the journey's "contact" shape) as an update; staff read the newest rules."""
    report = _report(report_id)
    update = _new_update(report, {"incidents": 0, "files": 0, "contact": dict(contact)}, incident_count=0)
    audit.record(Actor.victim(), "report.update", "report", report.id,
                 details={"update_id": update.id, "contact_rules": True})
    return update


def _new_update(report: Report, answers: dict[str, Any], *, incident_count: int) -> ReportUpdate:
    """Add an update row and bring the report back to the triage queue, at least as urgent as before."""
    now = utcnow()
    update = ReportUpdate(report_id=report.id, received_at=now, answers=answers)
    db.session.add(update)
    db.session.flush()
    assessment = assess_priority(ReportFacts(is_victim_update=True, incident_count=incident_count))
    priority = most_urgent(Priority(report.priority_rank), assessment.priority)
    report.priority_rank = priority.rank
    report.priority_reasons = list(dict.fromkeys([*(report.priority_reasons or []), *assessment.reasons]))
    report.awaiting_triage = True
    report.queued_at = now
    report.sla_due_at = triage_due(now, priority)
    return update
