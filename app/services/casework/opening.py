"""Opening a case from a triage decision, or carrying on an existing case when a victim's update is triaged."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseEvent, CaseReport, CaseStatus, NextStep, Report, ReportStatus, TriageDecision
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor

_STALKING_CODES = ("stalking", "s2a", "s4a")


def open_case_from_triage(report: Report, decision: TriageDecision, actor: Actor) -> Case:
    """Open a case for a triaged report in the caller's transaction; a named officer owns it at once."""
    existing = db.session.scalar(
        select(CaseReport).where(CaseReport.report_id == report.id, CaseReport.unlinked_at.is_(None))
    )
    if existing is not None:
        # A victim's update brought a report that is already in a case back to triage: the case goes on.
        return _note_update_triaged(existing.case, report, decision, actor)
    codes = [str(code).lower() for code in decision.classifications or []]
    now = utcnow()
    case = Case(
        status=CaseStatus.NEW,
        priority_rank=report.priority_rank,
        opened_at=now,
        opened_by_id=decision.decided_by_id,
        update_due_from=now,
        stalking=not codes or any(marker in code for code in codes for marker in _STALKING_CODES),
    )
    named = decision.next_step is NextStep.NAMED_OFFICER and decision.assigned_to_id is not None
    if named:
        # "New" means waiting in the pool: a case that starts with an officer is already being worked.
        case.owner_id = decision.assigned_to_id
        case.claimed_at = now
        case.status = CaseStatus.IN_PROGRESS
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseReport(case_id=case.id, report_id=report.id, origin=True, linked_at=now,
                              linked_by_id=decision.decided_by_id, link_reason="Opened from triage"))
    report.status = ReportStatus.WITH_OFFICER
    if named:
        summary = "Case opened from triage and assigned to a named officer"
    elif decision.next_step is NextStep.REFER_ONLY:
        summary = "Case opened in the officer pool for a referral only (no investigation)"
    else:
        summary = "Case opened in the officer pool"
    db.session.add(CaseEvent(case_id=case.id, kind="opened", actor_id=decision.decided_by_id, summary=summary,
                             occurred_at=now, data={"report_id": report.id, "owner_id": case.owner_id}))
    audit.record(actor, "case.opened", "case", case.id, details={"report_id": report.id, "named": named})
    return case


def _note_update_triaged(case: Case, report: Report, decision: TriageDecision, actor: Actor) -> Case:
    """Record on the case's timeline that a victim update was triaged; a named officer takes an unowned case."""
    now = utcnow()
    report.status = ReportStatus.WITH_OFFICER
    if decision.next_step is NextStep.NAMED_OFFICER and decision.assigned_to_id and case.owner_id is None:
        case.owner_id = decision.assigned_to_id
        case.claimed_at = now
        if case.status is CaseStatus.NEW:
            case.status = CaseStatus.IN_PROGRESS
    db.session.add(CaseEvent(case_id=case.id, kind="update_triaged", actor_id=decision.decided_by_id,
                             summary=f"Victim update on report {report.reference} triaged: back with this case",
                             occurred_at=now, data={"report_id": report.id, "decision_id": decision.id}))
    audit.record(actor, "case.update_triaged", "case", case.id, details={"report_id": report.id})
    return case
