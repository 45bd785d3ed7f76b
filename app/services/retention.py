"""Retention and erasure: delete what the policy (app/domain/retention.py) says has expired, a batch at a time.

Each kind of record has its own rule; `apply_batch` handles up to `limit` of one kind in one transaction and
says how many it handled, so `flask --app wsgi apply-retention` loops until nothing is left and the app keeps
serving meanwhile. Running it twice does nothing the second time. Records are erased with everything that hangs
off them (found from the foreign keys, so a table added later is not forgotten); staff addresses in the audit
trail are cleared (the event stays). Counts, never contents, go into one audit summary per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, Table, delete, exists, false, func, or_, select, text, update

from app.domain.retention import RetentionPolicy, describe_years, policy_from_settings, years_before
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    Draft,
    EvidenceFile,
    Report,
    ReportStatus,
    TriageDecision,
)
from app.services import audit, drafts, evidence
from app.services.actor import Actor
from app.services.transaction import autocommit

# In the order a run applies them: drafts, then cases (with their reports), then what remains.
KINDS = ("unsent_drafts", "saved_drafts", "cases", "nfa_reports", "evidence", "staff_ip_addresses", "audit_events")
# Two cron runs must not work at once on PostgreSQL (SQLite has one writer anyway).
RUN_LOCK_ID = 7_364_410


def policy() -> RetentionPolicy:
    """The retention policy in the app's settings."""
    return policy_from_settings(current_app.config)


@dataclass(frozen=True)
class NoticeLine:
    """One line of the privacy notice's retention table."""

    what: str
    kept: str


def notice() -> list[NoticeLine]:
    """The policy in words for the privacy notice, from the same settings the retention command applies."""
    rules = policy()

    def after_closing(years: int | None) -> str:
        return describe_years(years) + (" after it is closed" if years is not None else "")

    lines = [
        NoticeLine("Answers you have not saved", f"deleted after {rules.unsent_draft_minutes} minutes without "
                                                 "activity, or at once when you use Exit this page"),
        NoticeLine("Answers you save to come back to later",
                   f"deleted {rules.saved_draft_days} days after you save them, or when you send the report"),
        NoticeLine("A report we close with no further action", after_closing(rules.nfa_report_years)),
    ]
    lines += [NoticeLine(f"A case that ends: {CaseOutcome(outcome).label.lower()}", after_closing(years))
              for outcome, years in rules.case_years.items()]
    lines.append(NoticeLine("Files you upload", "as long as the report or case they belong to"
                            if rules.evidence_years is None else
                            f"{describe_years(rules.evidence_years)} after the report or case is closed, "
                            "or less if the report or case goes sooner"))
    lines.append(NoticeLine("The record of who looked at or changed your report",
                            describe_years(rules.audit_years)))
    return lines


@contextmanager
def single_run() -> Iterator[bool]:
    """Yield whether this run may go ahead: False while another run holds the lock (PostgreSQL)."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    # Held on a connection of its own, outside the batches' transactions, for the length of the run.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:id)"), {"id": RUN_LOCK_ID}))
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": RUN_LOCK_ID})


@autocommit
def apply_batch(kind: str, *, now: datetime, limit: int = 200) -> int:
    """Delete or anonymise up to `limit` expired records of one kind; returns how many (0 when none are left)."""
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise ValueError(f"unknown record kind {kind!r}")
    return handler(policy(), now, limit)


@autocommit
def record_summary(actor: Actor, counts: dict[str, int], *, now: datetime) -> None:
    """The run's one audit event: how many of each kind, and the policy applied (no contents)."""
    rules = policy()
    audit.record(actor, "retention.applied", "retention", None, details={
        "counts": counts,
        "as_of": now.isoformat(),
        "policy": {
            "unsent_draft_minutes": rules.unsent_draft_minutes, "saved_draft_days": rules.saved_draft_days,
            "nfa_report_years": rules.nfa_report_years, "case_years": dict(rules.case_years),
            "evidence_years": rules.evidence_years, "audit_years": rules.audit_years,
            "staff_ip_days": rules.staff_ip_days,
        },
    })


# --- Each kind ---------------------------------------------------------------------------------------------


def _unsent_drafts(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    idle_cutoff = now - timedelta(minutes=rules.unsent_draft_minutes)
    return _drafts(Draft.saved.is_(False) & ((Draft.expires_at < now) | (Draft.last_active_at < idle_cutoff)), limit)


def _saved_drafts(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    # The person was told the date (expires_at) when they saved: that is the date kept to.
    return _drafts(Draft.saved.is_(True) & (Draft.expires_at < now), limit)


def _drafts(condition: Any, limit: int) -> int:
    found = list(db.session.scalars(select(Draft).where(condition).order_by(Draft.id).limit(limit)))
    for draft in found:
        drafts.delete_draft(draft)
    return len(found)


def _closed_and_quiet(cutoff: datetime) -> Any:
    """Cases closed before `cutoff` with nothing since: no timeline event, no report of theirs awaiting triage.

    A victim can add to a report after its case closed; that restarts the clock rather than losing what they added.
    """
    active = (CaseReport.case_id == Case.id) & CaseReport.unlinked_at.is_(None)
    return ((Case.status == CaseStatus.CLOSED) & (Case.closed_at < cutoff)
            & ~exists(select(CaseEvent.id).where(CaseEvent.case_id == Case.id, CaseEvent.occurred_at >= cutoff))
            & ~exists(select(CaseReport.id).join(Report, Report.id == CaseReport.report_id)
                      .where(active, Report.awaiting_triage.is_(True))))


def _expired_cases(rules: RetentionPolicy, now: datetime) -> Any:
    conditions = [(Case.outcome == CaseOutcome(outcome)) & _closed_and_quiet(years_before(now, years))
                  for outcome, years in rules.case_years.items() if years is not None]
    return or_(false(), *conditions)


def _cases(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    case_ids = list(db.session.scalars(select(Case.id).where(_expired_cases(rules, now)).order_by(Case.id)
                                       .limit(limit)))
    if not case_ids:
        return 0
    # The case's reports go with it, unless one is also part of another case. A report taken out of the case
    # (unlinked) is not its record any more and stays.
    linked_here = select(CaseReport.report_id).where(CaseReport.case_id.in_(case_ids),
                                                     CaseReport.unlinked_at.is_(None))
    linked_elsewhere = select(CaseReport.id).where(CaseReport.report_id == Report.id,
                                                   CaseReport.case_id.not_in(case_ids),
                                                   CaseReport.unlinked_at.is_(None))
    report_ids = list(db.session.scalars(select(Report.id).where(Report.id.in_(linked_here),
                                                                 ~exists(linked_elsewhere))))
    _erase(_table(Case), case_ids)
    _erase(_table(Report), report_ids)
    return len(case_ids)


def _closed_at_triage(cutoff: datetime) -> Any:
    """Reports triage closed with no further action before `cutoff`, never linked into a case."""
    latest = select(func.max(TriageDecision.decided_at)).where(TriageDecision.report_id == Report.id) \
        .scalar_subquery()
    return ((Report.status == ReportStatus.CLOSED) & Report.awaiting_triage.is_(False)
            & ~exists(select(CaseReport.id).where(CaseReport.report_id == Report.id)) & (latest < cutoff))


def _nfa_reports(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    if rules.nfa_report_years is None:
        return 0
    report_ids = list(db.session.scalars(
        select(Report.id).where(_closed_at_triage(years_before(now, rules.nfa_report_years)))
        .order_by(Report.id).limit(limit)))
    _erase(_table(Report), report_ids)
    return len(report_ids)


def _evidence(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    if rules.evidence_years is None:
        return 0  # evidence goes with its report or case
    cutoff = years_before(now, rules.evidence_years)
    active = (CaseReport.report_id == Report.id) & CaseReport.unlinked_at.is_(None)
    in_closed_case = exists(select(CaseReport.id).join(Case, Case.id == CaseReport.case_id).where(
        active, _closed_and_quiet(cutoff)))
    in_live_case = exists(select(CaseReport.id).join(Case, Case.id == CaseReport.case_id).where(
        active, ~_closed_and_quiet(cutoff)))
    closed_reports = select(Report.id).where(_closed_at_triage(cutoff) | (in_closed_case & ~in_live_case))
    file_ids = list(db.session.scalars(select(EvidenceFile.id).where(EvidenceFile.report_id.in_(closed_reports))
                                       .order_by(EvidenceFile.id).limit(limit)))
    _erase(_table(EvidenceFile), file_ids)
    return len(file_ids)


def _staff_ip_addresses(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    ids = select(AuditEvent.id).where(AuditEvent.ip_address.is_not(None),
                                      AuditEvent.occurred_at < now - timedelta(days=rules.staff_ip_days)).limit(limit)
    found = list(db.session.scalars(ids))
    if found:
        db.session.execute(update(AuditEvent).where(AuditEvent.id.in_(found)).values(ip_address=None)
                           .execution_options(synchronize_session=False))
    return len(found)


def _audit_events(rules: RetentionPolicy, now: datetime, limit: int) -> int:
    if rules.audit_years is None:
        return 0
    found = list(db.session.scalars(select(AuditEvent.id).where(
        AuditEvent.occurred_at < years_before(now, rules.audit_years)).order_by(AuditEvent.id).limit(limit)))
    if found:
        db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(found)).execution_options(
            synchronize_session=False))
    return len(found)


_HANDLERS = {
    "unsent_drafts": _unsent_drafts,
    "saved_drafts": _saved_drafts,
    "cases": _cases,
    "nfa_reports": _nfa_reports,
    "evidence": _evidence,
    "staff_ip_addresses": _staff_ip_addresses,
    "audit_events": _audit_events,
}


# --- Erasing a record and everything that hangs off it ------------------------------------------------------


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _erase(table: Table, ids: list[int] | Select[Any]) -> None:
    """Delete rows and, first, every row that refers to them (SET NULL references are cleared instead)."""
    if isinstance(ids, list) and not ids:
        return
    if table is _table(EvidenceFile):
        # The stored bytes go with the rows: database chunks now, sealed files on disk once this commits.
        evidence.discard(list(db.session.scalars(select(EvidenceFile).where(EvidenceFile.id.in_(ids)))))
    for child in db.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            refers = fk.parent.in_(ids)
            if child is table or (fk.ondelete or "").upper() == "SET NULL":
                # A row pointing at another in the same set (a correcting note), or a link that may go empty.
                db.session.execute(update(child).where(refers).values({fk.parent: None})
                                   .execution_options(synchronize_session=False))
            elif "id" not in child.c:
                # Parts of a row with no life of their own (evidence chunks): they go with it.
                db.session.execute(delete(child).where(refers).execution_options(synchronize_session=False))
            else:
                _erase(child, select(child.c.id).where(refers))
    # Core deletes: the append-only guard on case notes is for people, and this is the law's erasure.
    db.session.execute(delete(table).where(table.c.id.in_(ids)).execution_options(synchronize_session=False))
