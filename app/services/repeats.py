"""Possible repeats: other reports naming the same suspect or made by (or for) the same victim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import PersonMatchKey, PersonRole, Report, ReportStatus

MAX_LISTED = 50


@dataclass(frozen=True)
class RepeatMatch:
    """Another report that shares a matching key with this one."""

    report_id: int
    reference: str
    received_at: datetime
    status: ReportStatus


@dataclass(frozen=True)
class Repeats:
    """Matches by role, and how many there are in all (only the newest MAX_LISTED are listed)."""

    suspect: tuple[RepeatMatch, ...]
    suspect_total: int
    victim: tuple[RepeatMatch, ...]
    victim_total: int


def _matches(report_id: int, role: PersonRole) -> tuple[tuple[RepeatMatch, ...], int]:
    mine = aliased(PersonMatchKey)
    theirs = aliased(PersonMatchKey)
    # Keyed hashes of normalised name with date of birth, postcode or address (app.domain.matching).
    other_ids = (
        select(theirs.report_id)
        .join(mine, (mine.key_hash == theirs.key_hash) & (mine.role == theirs.role))
        .where(mine.report_id == report_id, mine.role == role, theirs.report_id != report_id)
        .distinct()
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(other_ids)) or 0
    rows = db.session.execute(
        select(Report.id, Report.reference, Report.received_at, Report.status)
        .where(Report.id.in_(select(other_ids.c.report_id)))
        .order_by(Report.received_at.desc(), Report.id.desc())
        .limit(MAX_LISTED)
    ).all()
    return tuple(RepeatMatch(r.id, r.reference, r.received_at, r.status) for r in rows), total


def possible_repeats(report_id: int) -> Repeats:
    """Other reports with the same suspect, and with the same victim, newest first."""
    suspect, suspect_total = _matches(report_id, PersonRole.SUSPECT)
    victim, victim_total = _matches(report_id, PersonRole.VICTIM)
    return Repeats(suspect, suspect_total, victim, victim_total)
