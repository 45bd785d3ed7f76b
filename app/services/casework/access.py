"""Who may see or change a case, and loading a case for either."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Case, CaseReport, Role
from app.services import audit
from app.services.actor import Actor
from app.services.casework.changes import StaleCase
from app.services.errors import Forbidden, NotFound
from app.services.transaction import autocommit

CHANGERS = (Role.SUPERVISOR, Role.ADMIN)


def can_view(case: Case, actor: Actor) -> bool:
    """Supervisors and admins see every case; officers see their own and those waiting in the pool."""
    if actor.has_role(*CHANGERS):
        return True
    return actor.role is Role.OFFICER and (case.owner_id == actor.staff_id or case.owner_id is None)


def can_change(case: Case, actor: Actor) -> bool:
    """Only the owner, supervisors and admins may change a case."""
    return actor.has_role(*CHANGERS) or (actor.role is Role.OFFICER and case.owner_id == actor.staff_id)


def get_case(case_id: int) -> Case:
    """Return a case or raise NotFound."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("There is no such case")
    return case


def case_for_change(case_id: int, actor: Actor, expected_version: int | None = None) -> Case:
    """Load a case the actor may change, refusing a stale version (for use inside a use case)."""
    case = get_case(case_id)
    if not can_change(case, actor):
        raise Forbidden("Only the officer in the case, a supervisor or an admin can change this case")
    if expected_version is not None and case.version != expected_version:
        raise StaleCase()
    return case


@autocommit
def open_case(case_id: int, actor: Actor, *, change: bool, page: str, audit_view: bool = True) -> Case:
    """Load a case for one of its pages, refusing people who may not change (or see) it; audits the view."""
    case = get_case(case_id)
    allowed = can_change(case, actor) if change else can_view(case, actor)
    if not allowed:
        raise Forbidden("You cannot see this case")
    if audit_view:
        audit.record(actor, "case.viewed", "case", case.id, details={"page": page})
    return case


def officer_may_read_report(report_id: int, actor: Actor) -> bool:
    """An officer reads a report (and its evidence) only through a case they may see: their own or one in the pool."""
    return db.session.scalar(
        select(CaseReport.id).join(Case, Case.id == CaseReport.case_id).where(
            CaseReport.report_id == report_id, CaseReport.unlinked_at.is_(None),
            or_(Case.owner_id == actor.staff_id, Case.owner_id.is_(None)),
        ).limit(1)
    ) is not None


def report_in_case(case_id: int, report_id: int) -> bool:
    """True when the report is linked to the case now (an unlinked report is read from its own case)."""
    return db.session.scalar(select(CaseReport.id).where(
        CaseReport.case_id == case_id, CaseReport.report_id == report_id, CaseReport.unlinked_at.is_(None))) is not None
