"""Supervisors' casework: the force's open cases at a glance, and reassigning a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy import case as sql_case

from app.extensions import db
from app.models import Case, CaseStatus, Report, Role, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import CHANGERS, case_for_change
from app.services.casework.changes import StaleCase, add_event
from app.services.casework.lists import CaseRow, case_rows
from app.services.errors import FieldError, Forbidden
from app.services.transaction import autocommit


@dataclass(frozen=True)
class SupervisorView:
    """The whole force's casework at a glance."""

    by_risk: dict[str, int]
    open_cases: list[CaseRow]
    unassigned_high_risk: list[CaseRow]
    overdue_updates: list[CaseRow]
    overdue_triage: list[Report]


RISK_ORDER = ("high", "medium", "standard", "not_assessed")
# Most serious first in SQL, so each list's first page is the right one however many cases are open.
_RISK_RANK = sql_case({"high": 0, "medium": 1, "standard": 2}, value=Case.risk_level, else_=3)
_OPEN = Case.status != CaseStatus.CLOSED


def _by_risk(query: Select[Case], limit: int) -> list[Case]:
    return list(db.session.scalars(
        query.order_by(_RISK_RANK, Case.priority_rank, Case.opened_at, Case.id).limit(limit)))


@autocommit
def supervisor_view(actor: Actor, limit: int = 200) -> SupervisorView:
    """Return open cases by risk level, unassigned high-risk work, and overdue triage and victim updates."""
    now = utcnow()
    counts = dict(db.session.execute(
        select(Case.risk_level, func.count()).where(_OPEN).group_by(Case.risk_level)
    ).all())
    by_risk = {level: counts.get(None if level == "not_assessed" else level, 0) for level in RISK_ORDER}
    open_cases = case_rows(_by_risk(select(Case).where(_OPEN), limit), now)
    unassigned = case_rows(_by_risk(select(Case).where(
        _OPEN, Case.owner_id.is_(None), or_(Case.risk_level == "high", Case.priority_rank == 1)), limit), now)
    # Working days are worked out in Python, but no update falls due sooner than a day after the news or
    # the last update, so only cases where one of those is a day old can be overdue.
    day_ago = now - timedelta(days=1)
    candidates = _by_risk(select(Case).where(_OPEN, or_(
        Case.update_due_from <= day_ago, Case.last_victim_update_at <= day_ago)), limit * 5)
    overdue_updates = [row for row in case_rows(candidates, now)
                       if any(t.key == "victim_update" and t.overdue(now) for t in row.timers)][:limit]
    overdue_triage = list(db.session.scalars(
        select(Report).where(Report.awaiting_triage.is_(True), Report.sla_due_at < now)
        .order_by(Report.priority_rank, Report.sla_due_at).limit(limit)
    ))
    audit.record(actor, "cases.supervisor_viewed", "case", None)
    return SupervisorView(by_risk, open_cases, unassigned, overdue_updates, overdue_triage)


@autocommit(stale=StaleCase)
def reassign(case_id: int, actor: Actor, *, officer_id: int | None, expected_version: int) -> Case:
    """Give a case to another officer, or back to the pool (supervisors and admins only)."""
    if not actor.has_role(*CHANGERS):
        raise Forbidden("Only supervisors and admins can reassign cases")
    case = case_for_change(case_id, actor, expected_version)
    officer = None
    if officer_id is not None:
        officer = db.session.get(StaffUser, officer_id)
        if officer is None or officer.role is not Role.OFFICER or not officer.active:
            raise FieldError("officer", "Select an active officer")
        if officer.id == case.owner_id:
            raise FieldError("officer", f"The case is already with {officer.name}")
    previous = case.owner_id
    case.owner_id = officer.id if officer else None
    case.claimed_at = utcnow() if officer else None
    summary = f"Reassigned to {officer.name}" if officer else "Returned to the pool of cases to pick up"
    if officer and officer.is_veo:
        summary += " (Victim Engagement Officer)"
    add_event(case, actor, "reassigned", summary, data={"from": previous, "to": case.owner_id})
    status_from = case.status
    if officer and case.status is CaseStatus.NEW:
        # As when an officer picks a case up: once someone has it, the status says it is being worked.
        case.status = CaseStatus.IN_PROGRESS
        add_event(case, actor, "status", "Status changed from new to in progress (assigned)",
                  data={"from": status_from.value, "to": case.status.value})
    audit.record(actor, "case.reassigned", "case", case.id,
                 details={"from": previous, "to": case.owner_id, "status_from": status_from.value,
                          "status_to": case.status.value})
    return case
