"""Lists of cases: the pool waiting to be picked up, and an officer's own cases, with their Victims' Code timers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseReport, CaseStatus, NextStep, Referral, Report, TriageDecision
from app.models.types import utcnow
from app.services.actor import Actor
from app.services.casework.victims_code import Timer, case_timers, next_deadline
from app.services.staff_directory import staff_names


@dataclass(frozen=True)
class CaseRow:
    """One case in a list: what officers need to choose and order their work."""

    case: Case
    reference: str
    received_at: datetime
    owner_name: str | None
    timers: list[Timer]
    next_due: datetime | None
    overdue: bool
    referral_only: bool = False


def _origin_reports(case_ids: list[int]) -> dict[int, Report]:
    if not case_ids:
        return {}
    rows = db.session.execute(
        select(CaseReport.case_id, Report)
        .join(Report, Report.id == CaseReport.report_id)
        .where(CaseReport.case_id.in_(case_ids), CaseReport.unlinked_at.is_(None))
        .order_by(CaseReport.origin.desc(), Report.received_at)
    ).all()
    found: dict[int, Report] = {}
    for case_id, report in rows:
        found.setdefault(case_id, report)
    return found


def _latest_next_steps(report_ids: list[int]) -> dict[int, NextStep]:
    """Return each report's latest triage next step."""
    found: dict[int, NextStep] = {}
    if report_ids:
        for report_id, step in db.session.execute(
            select(TriageDecision.report_id, TriageDecision.next_step).where(TriageDecision.report_id.in_(report_ids))
            .order_by(TriageDecision.decided_at, TriageDecision.id)
        ):
            found[report_id] = step
    return found


def _referrals_by_case(case_ids: list[int]) -> dict[int, list[Referral]]:
    found: dict[int, list[Referral]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for referral in db.session.scalars(select(Referral).where(Referral.case_id.in_(case_ids))):
            found[referral.case_id].append(referral)
    return found


def case_rows(cases: list[Case], now: datetime | None = None) -> list[CaseRow]:
    """Return list rows for cases, with their Victims' Code timers."""
    now = now or utcnow()
    ids = [case.id for case in cases]
    origins = _origin_reports(ids)
    referrals = _referrals_by_case(ids)
    names = staff_names(case.owner_id for case in cases)
    steps = _latest_next_steps([report.id for report in origins.values()])
    rows = []
    for case in cases:
        report = origins.get(case.id)
        received = report.received_at if report else case.opened_at
        timers = case_timers(case, received, referrals.get(case.id, []), now) \
            if case.status is not CaseStatus.CLOSED else []
        rows.append(CaseRow(
            case=case,
            reference=report.reference if report else "",
            received_at=received,
            owner_name=names.get(case.owner_id) if case.owner_id else None,
            timers=timers,
            next_due=next_deadline(timers),
            overdue=any(timer.overdue(now) for timer in timers),
            referral_only=report is not None and steps.get(report.id) is NextStep.REFER_ONLY,
        ))
    return rows


def pool(limit: int = 100) -> list[CaseRow]:
    """Return the cases waiting to be picked up, most urgent first, then oldest."""
    cases = list(db.session.scalars(
        select(Case)
        .where(Case.owner_id.is_(None), Case.status != CaseStatus.CLOSED)
        .order_by(Case.priority_rank, Case.opened_at, Case.id)
        .limit(limit)
    ))
    return case_rows(cases)


def my_cases(officer: Actor) -> list[CaseRow]:
    """Return an officer's open cases, overdue Victims' Code obligations first, then soonest due."""
    cases = list(db.session.scalars(
        select(Case).where(Case.owner_id == officer.staff_id, Case.status != CaseStatus.CLOSED)
    ))
    rows = case_rows(cases)
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    return sorted(rows, key=lambda row: (not row.overdue, row.next_due or far, row.case.priority_rank, row.case.id))
