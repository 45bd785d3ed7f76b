"""Picking up cases from the pool: one atomic claim, so every case ends with exactly one owner."""

from __future__ import annotations

from sqlalchemy import case as when
from sqlalchemy import literal, select, update

from app.domain.uk_time import uk_datetime
from app.extensions import db
from app.models import Case, CaseEvent, CaseStatus, Role, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.transaction import autocommit


class AlreadyClaimed(Conflict):
    """Someone else picked the case up first."""


def _check_officer(officer: Actor) -> None:
    if officer.role is not Role.OFFICER:
        raise Forbidden("Only officers can pick up cases")


def _take(case_id: int, officer: Actor, was: CaseStatus | None) -> bool:
    """The claim itself: a conditional UPDATE that only succeeds while the case has no owner.

    A new case becomes "in progress" in the same statement: once an officer has it, the status should
    say someone is working it (a case returned to the pool keeps the status its work had reached).
    """
    now = utcnow()
    in_progress = literal(CaseStatus.IN_PROGRESS, Case.status.type)
    result = db.session.execute(
        update(Case)
        .where(Case.id == case_id, Case.owner_id.is_(None), Case.status != CaseStatus.CLOSED)
        .values(owner_id=officer.staff_id, claimed_at=now, version=Case.version + 1, updated_at=now,
                status=when((Case.status == CaseStatus.NEW, in_progress), else_=Case.status))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.session.add(CaseEvent(case_id=case_id, kind="claimed", actor_id=officer.staff_id, occurred_at=now,
                             summary=f"Picked up by {officer.name}", data={"owner_id": officer.staff_id}))
    if was is CaseStatus.NEW:
        db.session.add(CaseEvent(case_id=case_id, kind="status", actor_id=officer.staff_id, occurred_at=now,
                                 summary="Status changed from new to in progress (picked up)",
                                 data={"from": CaseStatus.NEW.value, "to": CaseStatus.IN_PROGRESS.value}))
    audit.record(officer, "case.claimed", "case", case_id,
                 details={"status_from": was.value if was else None,
                          "status_to": CaseStatus.IN_PROGRESS.value if was is CaseStatus.NEW else None})
    return True


def _loaded(case_id: int) -> Case:
    case = db.session.get(Case, case_id, populate_existing=True)
    assert case is not None  # claimed in this transaction
    return case


@autocommit
def claim_case(case_id: int, officer: Actor) -> Case:
    """Pick up one case from the pool, or say who already has it."""
    _check_officer(officer)
    was = db.session.scalar(select(Case.status).where(Case.id == case_id))
    if was is None:
        raise NotFound("There is no such case")
    if not _take(case_id, officer, was):
        case = db.session.get(Case, case_id, populate_existing=True)
        owner = db.session.get(StaffUser, case.owner_id) if case and case.owner_id else None
        if owner is not None and case is not None and case.claimed_at is not None:
            # On the UK clock: claimed_at is stored in UTC.
            raise AlreadyClaimed(f"{owner.name} picked up this case on {uk_datetime(case.claimed_at)}")
        raise AlreadyClaimed("This case cannot be picked up: it is closed")
    return _loaded(case_id)


@autocommit
def claim_next(officer: Actor, attempts: int = 5) -> Case | None:
    """Pick up the most urgent case in the pool; None when the pool is empty."""
    _check_officer(officer)
    for _ in range(attempts):
        # SKIP LOCKED (PostgreSQL): officers claiming at once each lock a different row without waiting.
        # SQLite ignores it and serialises writers; the conditional UPDATE keeps the claim exact on both.
        found = db.session.execute(
            select(Case.id, Case.status)
            .where(Case.owner_id.is_(None), Case.status != CaseStatus.CLOSED)
            .order_by(Case.priority_rank, Case.opened_at, Case.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if found is None:
            return None
        case_id, was = found
        if _take(case_id, officer, was):
            return _loaded(case_id)
    return None
