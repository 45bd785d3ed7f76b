"""The 101 triage queue: reports and victim updates awaiting triage, most urgent first, then oldest.

The first page is one query that walks the `ix_report_triage_queue` index (awaiting_triage,
priority_rank, queued_at, id) in order and stops after a page: no sort of the table, whatever its size.
Later pages continue from an opaque keyset cursor, never an OFFSET.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from app.domain.priority import Priority, describe_time_left, is_overdue
from app.extensions import db
from app.models import Channel, Report, ReportUpdate, StaffUser
from app.models.types import utcnow
from app.services.sla import sla_targets

_CURSOR_SALT = "triage-queue-cursor"


@dataclass(frozen=True)
class QueueFilters:
    """What the handler narrowed the queue to."""

    priority: Priority | None = None
    channel: Channel | None = None
    overdue_only: bool = False

    def is_filtered(self) -> bool:
        """Say whether any filter is on."""
        return self.priority is not None or self.channel is not None or self.overdue_only


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: just after this (priority_rank, queued_at, id)."""

    priority_rank: int
    queued_at: datetime
    report_id: int


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    report_id: int
    reference: str
    priority: Priority
    reasons: tuple[str, ...]
    channel: Channel
    received_at: datetime
    queued_at: datetime
    due_at: datetime
    time_left: str
    overdue: bool
    claimed_by: str | None
    claimed_at: datetime | None
    has_update: bool


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and the cursor for the next one (None on the last page)."""

    rows: tuple[QueueRow, ...]
    next_cursor: str | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_CURSOR_SALT)


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, signed token for a cursor (no personal data, and it cannot be forged)."""
    return _serializer().dumps([cursor.priority_rank, cursor.queued_at.isoformat(), cursor.report_id])


def decode_cursor(token: str | None) -> Cursor | None:
    """The cursor in a token, or None when there is none or it was tampered with (the first page)."""
    if not token:
        return None
    try:
        rank, queued_at, report_id = _serializer().loads(token)
        return Cursor(int(rank), datetime.fromisoformat(queued_at), int(report_id))
    except (BadSignature, ValueError, TypeError):
        return None


def _awaiting(filters: QueueFilters, *, now: datetime,
              targets: Mapping[Priority, timedelta]) -> list[ColumnElement[bool]]:
    """The WHERE conditions for reports awaiting triage that pass the filters."""
    conditions: list[ColumnElement[bool]] = [Report.awaiting_triage.is_(True)]
    if filters.priority is not None:
        conditions.append(Report.priority_rank == filters.priority.rank)
    if filters.channel is not None:
        conditions.append(Report.channel == filters.channel)
    if filters.overdue_only:
        # Overdue means queued before now minus that priority's target.
        conditions.append(or_(false(), *(
            and_(Report.priority_rank == priority.rank, Report.queued_at < now - target)
            for priority, target in targets.items()
        )))
    return conditions


def queue_statement(filters: QueueFilters, cursor: Cursor | None, *, now: datetime,
                    targets: Mapping[Priority, timedelta], limit: int) -> Select[*tuple[Any, ...]]:
    """The single SELECT for one page of the queue, in index order."""
    claimer = aliased(StaffUser)
    claim_active = and_(Report.claimed_by_id.is_not(None), Report.claim_expires_at > now)
    stmt = (
        select(Report.id, Report.reference, Report.priority_rank, Report.priority_reasons, Report.channel,
               Report.received_at, Report.queued_at, Report.claimed_at, Report.claim_expires_at,
               claimer.name.label("claimed_by_name"))
        .outerjoin(claimer, and_(claimer.id == Report.claimed_by_id, claim_active))
        .where(*_awaiting(filters, now=now, targets=targets))
        .order_by(Report.awaiting_triage, Report.priority_rank, Report.queued_at, Report.id)
        .limit(limit)
    )
    if cursor is not None:
        stmt = stmt.where(tuple_(Report.priority_rank, Report.queued_at, Report.id)
                          > tuple_(cursor.priority_rank, cursor.queued_at, cursor.report_id))
    return stmt


def queue_page(filters: QueueFilters | None = None, cursor_token: str | None = None, *,
               now: datetime | None = None, limit: int | None = None) -> QueuePage:
    """One page of the triage queue."""
    now = now or utcnow()
    filters = filters or QueueFilters()
    limit = limit or current_app.config["TRIAGE_QUEUE_PAGE_SIZE"]
    targets = sla_targets(current_app.config)
    stmt = queue_statement(filters, decode_cursor(cursor_token), now=now, targets=targets, limit=limit + 1)
    results = db.session.execute(stmt).all()
    more = len(results) > limit
    results = results[:limit]
    ids = [r.id for r in results]
    with_updates = set(db.session.scalars(
        select(ReportUpdate.report_id).where(ReportUpdate.report_id.in_(ids), ReportUpdate.triaged.is_(False))
    )) if ids else set()
    rows = []
    for r in results:
        priority = Priority(r.priority_rank)
        due = r.queued_at + targets[priority]
        rows.append(QueueRow(
            report_id=r.id, reference=r.reference, priority=priority, reasons=tuple(r.priority_reasons or ()),
            channel=r.channel, received_at=r.received_at, queued_at=r.queued_at, due_at=due,
            time_left=describe_time_left(now, due), overdue=is_overdue(now, due),
            claimed_by=r.claimed_by_name, claimed_at=r.claimed_at if r.claimed_by_name else None,
            has_update=r.id in with_updates,
        ))
    next_cursor = None
    if more and results:
        last = results[-1]
        next_cursor = encode_cursor(Cursor(last.priority_rank, last.queued_at, last.id))
    return QueuePage(tuple(rows), next_cursor)


def count_awaiting(filters: QueueFilters | None = None, *, now: datetime | None = None) -> int:
    """How many reports await triage, or pass the filters (the queue index bounds it to awaiting rows)."""
    conditions = _awaiting(filters or QueueFilters(), now=now or utcnow(), targets=sla_targets(current_app.config))
    return db.session.scalar(select(func.count()).select_from(Report).where(*conditions)) or 0
