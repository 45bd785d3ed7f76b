"""Linking reports into one case as one course of conduct, unlinking them, and suggesting links."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.domain.reference import normalise_reference
from app.extensions import db
from app.models import Case, CaseReport, PersonMatchKey, PersonRole, Report, ReportStatus
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import case_for_change, get_case
from app.services.casework.changes import StaleCase, add_event, touch
from app.services.errors import FieldError, NotFound
from app.services.transaction import autocommit


@dataclass(frozen=True)
class Suggestion:
    """A report that shares a suspect (or victim) with this case's reports."""

    report: Report
    same_suspect: bool
    same_victim: bool
    in_case_id: int | None


def _active_link(report_id: int) -> CaseReport | None:
    return db.session.scalar(
        select(CaseReport).where(CaseReport.report_id == report_id, CaseReport.unlinked_at.is_(None))
    )


@autocommit(stale=StaleCase)
def link_report(case_id: int, actor: Actor, *, reference: str, reason: str, expected_version: int) -> CaseReport:
    """Link another report into the case as part of the same course of conduct."""
    case = case_for_change(case_id, actor, expected_version)
    normalised = normalise_reference(reference)
    report = db.session.scalar(select(Report).where(Report.reference == normalised)) if normalised else None
    if report is None:
        raise FieldError("reference", "Enter the reference of an existing report, like K7Q-4MX-9PT")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "Explain why this report is part of the same course of conduct")
    existing = _active_link(report.id)
    if existing is not None:
        where = "this case" if existing.case_id == case.id else f"case {existing.case_id}"
        raise FieldError("reference", f"Report {report.reference} is already linked to {where}")
    link = CaseReport(case_id=case.id, report_id=report.id, origin=False, linked_at=utcnow(),
                      linked_by_id=actor.staff_id, link_reason=reason)
    db.session.add(link)
    report.status = ReportStatus.WITH_OFFICER
    db.session.flush()
    add_event(case, actor, "linked", f"Report {report.reference} linked as part of the same course of conduct",
              detail=reason, data={"report_id": report.id, "link_id": link.id})
    audit.record(actor, "case.report_linked", "case", case.id, details={"report_id": report.id, "link_id": link.id})
    touch(case)
    return link


@autocommit(stale=StaleCase)
def unlink_report(case_id: int, link_id: int, actor: Actor, *, reason: str, expected_version: int) -> CaseReport:
    """Take a report out of the case, keeping the link's history with the reason."""
    case = case_for_change(case_id, actor, expected_version)
    link = db.session.get(CaseReport, link_id)
    if link is None or link.case_id != case.id or link.unlinked_at is not None:
        raise NotFound("That report is not linked to this case")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "Explain why this report is not part of the case")
    if len(case.active_links) <= 1:
        raise FieldError("reason", "A case needs at least one report: close the case instead")
    link.unlinked_at = utcnow()
    link.unlinked_by_id = actor.staff_id
    link.unlink_reason = reason
    reference = db.session.scalar(select(Report.reference).where(Report.id == link.report_id))
    add_event(case, actor, "unlinked", f"Report {reference} unlinked", detail=reason,
              data={"report_id": link.report_id, "link_id": link.id})
    audit.record(actor, "case.report_unlinked", "case", case.id,
                 details={"report_id": link.report_id, "link_id": link.id})
    touch(case)
    return link


def active_link(case_id: int, link_id: int) -> tuple[CaseReport, Report]:
    """A report linked to this case now, with its link; NotFound otherwise."""
    link = db.session.get(CaseReport, link_id)
    if link is None or link.case_id != case_id or link.unlinked_at is not None:
        raise NotFound("That report is not linked to this case")
    report = db.session.get(Report, link.report_id)
    if report is None:
        raise NotFound("That report is not linked to this case")
    return link, report


def suggested_reference(case: Case, raw_report_id: str | None, actor: Actor) -> str | None:
    """The reference to fill in on the link form from a suggestion's link: only a report suggested for this case."""
    if not raw_report_id or not raw_report_id.isdigit() or len(raw_report_id) > 9:
        return None
    report_id = int(raw_report_id)
    found = next((s.report for s in suggestions(case.id) if s.report.id == report_id), None)
    return found.reference if found is not None else None


def suggestions(case_id: int, limit: int = 50) -> list[Suggestion]:
    """Return reports matching this case's suspect (or victim) keys that are not linked to it."""
    case = get_case(case_id)
    report_ids = [link.report_id for link in case.active_links]
    if not report_ids:
        return []
    ours = aliased(PersonMatchKey)
    theirs = aliased(PersonMatchKey)
    rows = db.session.execute(
        select(theirs.report_id, theirs.role)
        .join(ours, (ours.key_hash == theirs.key_hash) & (ours.role == theirs.role))
        .where(ours.report_id.in_(report_ids), theirs.report_id.not_in(report_ids))
        .distinct()
    ).all()
    roles: dict[int, set[PersonRole]] = {}
    for report_id, role in rows:
        roles.setdefault(report_id, set()).add(role)
    if not roles:
        return []
    reports = db.session.scalars(
        select(Report).where(Report.id.in_(list(roles))).order_by(Report.received_at.desc()).limit(limit)
    )
    listed = list(reports)
    cases_by_report = dict(db.session.execute(
        select(CaseReport.report_id, CaseReport.case_id)
        .where(CaseReport.report_id.in_([r.id for r in listed]), CaseReport.unlinked_at.is_(None))
    ).all()) if listed else {}
    found = [Suggestion(report, PersonRole.SUSPECT in roles[report.id], PersonRole.VICTIM in roles[report.id],
                        cases_by_report.get(report.id)) for report in listed]
    # Same suspect first: that is the course of conduct; a shared victim alone may be another stalker.
    found.sort(key=lambda s: (not s.same_suspect, -s.report.received_at.timestamp()))
    return found
