"""Triaging a report: claim it, read it whole, record a structured decision (THRIVE, grade, classification)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from app.domain.priority import Priority, describe_time_left, is_overdue
from app.domain.triage import THRIVE, DecisionInput, decision_problems
from app.domain.uk_time import uk_clock
from app.extensions import db
from app.models import (
    EvidenceFile,
    Incident,
    NextStep,
    Person,
    Report,
    ReportStatus,
    ReportUpdate,
    Role,
    StaffUser,
    TriageDecision,
)
from app.models.types import utcnow
from app.services import audit
from app.services import evidence as evidence_store
from app.services.actor import Actor
from app.services.casework.opening import open_case_from_triage
from app.services.errors import Conflict, FieldError, NotFound, Stale
from app.services.evidence import StoredFile
from app.services.sla import triage_due
from app.services.transaction import autocommit


class ClaimedByOther(Conflict):
    """Someone else has this report open for triage."""

    def __init__(self, holder: str, claimed_at: datetime | None) -> None:
        when = f" at {uk_clock(claimed_at)}" if claimed_at else ""
        super().__init__(f"Opened by {holder}{when}. You cannot triage it until they finish or their claim expires.")
        self.holder = holder
        self.claimed_at = claimed_at


class StaleReport(Stale):
    """The report changed (an update arrived) after the handler opened it."""

    DEFAULT = ("This report changed while you had it open: the victim added an update. "
               "Your decision has not been saved. Read the update, then make your decision again.")


def _claim_minutes() -> timedelta:
    return timedelta(minutes=current_app.config["TRIAGE_CLAIM_MINUTES"])


def _holder_conflict(report: Report, now: datetime) -> ClaimedByOther:
    holder = db.session.get(StaffUser, report.claimed_by_id) if report.claimed_by_id else None
    return ClaimedByOther(short_name(holder.name) if holder else "another handler", report.claimed_at)


def short_name(name: str) -> str:
    """'Alex Morgan' -> 'A. Morgan', the way a claim is shown to colleagues."""
    parts = name.split()
    return f"{parts[0][0]}. {' '.join(parts[1:])}" if len(parts) > 1 else name


@autocommit
def claim_report(report_id: int, handler: Actor, *, now: datetime | None = None) -> Report:
    """Open a report for triage: claim it atomically, unless someone else holds a live claim."""
    now = now or utcnow()
    handler_id = handler.staff_id
    # One conditional UPDATE: the database decides the race (row lock on PostgreSQL, one writer on SQLite).
    result = db.session.execute(
        update(Report)
        .where(Report.id == report_id, Report.awaiting_triage.is_(True),
               or_(Report.claimed_by_id.is_(None), Report.claim_expires_at < now, Report.claimed_by_id == handler_id))
        .values(claimed_by_id=handler_id, claimed_at=now, claim_expires_at=now + _claim_minutes())
        .execution_options(synchronize_session=False)
    )
    report = db.session.get(Report, report_id, populate_existing=True)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        if report is None:
            raise NotFound("No such report")
        if not report.awaiting_triage:
            raise Conflict("This report has already been triaged")
        raise _holder_conflict(report, now)
    assert report is not None  # the claim just updated it
    audit.record(handler, "triage.claim", "report", report_id)
    return report


@autocommit
def release_claim(report_id: int, handler: Actor) -> None:
    """Give a report back to the queue without deciding."""
    result = db.session.execute(
        update(Report).where(Report.id == report_id, Report.claimed_by_id == handler.staff_id)
        .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        audit.record(handler, "triage.release", "report", report_id)


def holds_claim(report: Report, handler_id: int, now: datetime | None = None) -> bool:
    """Say whether this handler holds a live claim on the report."""
    now = now or utcnow()
    return (report.claimed_by_id == handler_id and report.claim_expires_at is not None
            and report.claim_expires_at >= now)


def latest_update_id(report_id: int) -> int:
    """The newest update's id (0 if none), so a decision can tell an update arrived after the page was shown."""
    return db.session.scalar(select(func.coalesce(func.max(ReportUpdate.id), 0))
                             .where(ReportUpdate.report_id == report_id)) or 0


@autocommit(stale=StaleReport)
def record_decision(report_id: int, handler: Actor, decision: DecisionInput, *, seen_version: int,
                    seen_update_id: int, now: datetime | None = None) -> TriageDecision:
    """Save a triage decision, unless the report changed since the handler saw it or someone else holds it."""
    now = now or utcnow()
    handler_id = handler.staff_id
    problems = decision_problems(decision)
    grade, next_step = decision.grade, decision.next_step
    if problems or grade is None or next_step is None:
        raise FieldError.many(problems or {"grade": "Select a grade"})
    report = db.session.scalar(select(Report).where(Report.id == report_id).with_for_update()
                              .execution_options(populate_existing=True))
    if report is None:
        raise NotFound("No such report")
    if not report.awaiting_triage:
        raise Conflict("This report has already been triaged")
    claim_live = report.claimed_by_id is not None and report.claim_expires_at is not None \
        and report.claim_expires_at >= now
    if claim_live and report.claimed_by_id != handler_id:
        raise _holder_conflict(report, now)
    if report.version != seen_version or latest_update_id(report_id) != seen_update_id:
        raise StaleReport
    if decision.assigned_to_id is not None:
        officer = db.session.get(StaffUser, decision.assigned_to_id)
        if officer is None or officer.role != Role.OFFICER or not officer.active:
            raise FieldError("assigned_to", "Select an active officer or VEO")
    named = next_step is NextStep.NAMED_OFFICER
    row = TriageDecision(
        report_id=report.id, decided_by_id=handler.staff_id, decided_at=now, report_version=seen_version,
        thrive={key: (decision.thrive.get(key) or "").strip() for key in THRIVE},
        grade=grade, classifications=[c.value for c in decision.classifications],
        safeguarding=list(decision.safeguarding), next_step=next_step,
        assigned_to_id=decision.assigned_to_id if named else None,
        rationale=decision.rationale.strip() or None,
        details={"harassment_reason": decision.harassment_reason.strip()} if decision.harassment_reason.strip() else {},
    )
    db.session.add(row)
    for pending in db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id == report.id,
                                                                 ReportUpdate.triaged.is_(False))):
        pending.triaged = True
    report.awaiting_triage = False
    report.claimed_by_id = None
    report.claimed_at = None
    report.claim_expires_at = None
    # Refer-only work opens a case too: the referral, its consent and its Victims' Code deadline
    # (support within 2 working days) are recorded and tracked there.
    needs_case = next_step in (NextStep.OFFICER_POOL, NextStep.NAMED_OFFICER, NextStep.REFER_ONLY)
    report.status = ReportStatus.WITH_OFFICER if needs_case else ReportStatus.CLOSED
    db.session.flush()
    if needs_case:
        open_case_from_triage(report, row, handler)
    audit.record(handler, "triage.decision", "report", report.id, details={
        "decision_id": row.id, "grade": grade.value, "next_step": next_step.value,
        "classifications": [c.value for c in decision.classifications],
        "assigned_to_id": row.assigned_to_id,
    })
    return row


@dataclass(frozen=True)
class ReportForTriage:
    """Everything on the triage screen: the report and its rows, in the order the screen shows them."""

    report: Report
    people: list[Person]
    incidents: list[Incident]
    evidence: list[EvidenceFile]
    updates: list[ReportUpdate]
    decisions: list[TriageDecision]
    taken_by: StaffUser | None
    claimed_by: StaffUser | None
    latest_update_id: int
    extra: dict[str, Any] = field(default_factory=dict)
    # While it awaits triage: when triage is due under the configured targets (as the queue counts it).
    due_at: datetime | None = None
    time_left: str = ""
    overdue: bool = False


@autocommit
def view_report(report_id: int, actor: Actor, *, purpose: str = "view") -> ReportForTriage:
    """Load a report for a staff member to read, and write the audit event for the view."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("No such report")
    people = list(db.session.scalars(select(Person).where(Person.report_id == report_id).order_by(Person.id)))
    incidents = list(db.session.scalars(select(Incident).where(Incident.report_id == report_id)
                                        .order_by(Incident.sort_date.is_(None), Incident.sort_date, Incident.id)))
    evidence = list(db.session.scalars(select(EvidenceFile).where(EvidenceFile.report_id == report_id)
                                       .order_by(EvidenceFile.id)))
    updates = list(db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id == report_id)
                                      .order_by(ReportUpdate.received_at.desc(), ReportUpdate.id.desc())))
    decisions = list(db.session.scalars(select(TriageDecision).where(TriageDecision.report_id == report_id)
                                        .order_by(TriageDecision.decided_at.desc())))
    taken_by = db.session.get(StaffUser, report.taken_by_id) if report.taken_by_id else None
    claimed_by = db.session.get(StaffUser, report.claimed_by_id) if report.claimed_by_id else None
    due_at, time_left, overdue = None, "", False
    if report.awaiting_triage:
        now = utcnow()
        due_at = triage_due(report.queued_at, Priority(report.priority_rank))
        time_left, overdue = describe_time_left(now, due_at), is_overdue(now, due_at)
    audit.record(actor, "report.view", "report", report_id, details={"purpose": purpose})
    return ReportForTriage(report, people, incidents, evidence, updates, decisions, taken_by, claimed_by,
                           max((u.id for u in updates), default=0), due_at=due_at, time_left=time_left,
                           overdue=overdue)


@autocommit
def evidence_download(report_id: int, file_id: int, actor: Actor) -> tuple[EvidenceFile, StoredFile]:
    """One of a report's evidence files for a staff member to download, with the audit event for it.

    Only a file that passed a malware scan is served (NotScanned otherwise); its bytes are read and opened
    chunk by chunk as the response streams (`StoredFile.plain_chunks`).
    """
    row = db.session.scalar(select(EvidenceFile).where(EvidenceFile.id == file_id,
                                                       EvidenceFile.report_id == report_id))
    if row is None:
        raise NotFound("No such evidence file")
    stored = evidence_store.servable(row)
    audit.record(actor, "evidence.download", "evidence_file", row.id,
                 details={"report_id": report_id, "sha256": row.sha256})
    return row, stored
