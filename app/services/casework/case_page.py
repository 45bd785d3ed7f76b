"""The case page: everything an officer reads about a case, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select

from app.domain.safe_contact import SafeContactRules
from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseNote,
    CaseReport,
    CaseStatus,
    ContactAttempt,
    NextStep,
    Referral,
    Report,
    ReportUpdate,
    RiskAssessment,
    TriageDecision,
)
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import can_change, can_view, get_case
from app.services.casework.timeline import CaseHistory, TimelineEntry, build_timeline
from app.services.casework.victim_contact import rules_for_reports
from app.services.casework.victims_code import Timer, case_timers
from app.services.errors import Forbidden
from app.services.staff_directory import staff_names
from app.services.transaction import autocommit

M = TypeVar("M")

# A risk assessment's prompts, as referral partner codes.
_PROMPT_PARTNERS = {"marac": "marac", "idva": "idva", "paladin": "paladin",
                    "childrens-social-care": "childrens_social_care"}


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows."""

    case: Case
    owner_name: str | None
    links: list[CaseReport]
    reports: dict[int, Report]
    origin: Report | None
    safe_contact: SafeContactRules
    timers: list[Timer]
    assessments: list[RiskAssessment]
    referrals: list[Referral]
    timeline: list[TimelineEntry]
    notes: dict[int, CaseNote]
    can_change: bool
    prompts: list[str]
    # Triage sent the first report for a referral only, not an investigation; the handler's reasons.
    referral_only: bool = False
    triage_rationale: str | None = None


class CaseRefused(Forbidden):
    """Refused, and the refusal is kept in the audit trail."""

    keep_changes = True


@autocommit
def view_case(case_id: int, actor: Actor) -> CasePage:
    """Return the case page for someone allowed to see it, auditing the view (and a refusal)."""
    case = get_case(case_id)
    if not can_view(case, actor):
        audit.record(actor, "case.view_refused", "case", case.id)
        raise CaseRefused("You cannot see this case")
    audit.record(actor, "case.viewed", "case", case.id)
    return build_case_page(case, actor)


def _rows(model: type[M], *where: ColumnElement[bool], order: tuple[ColumnElement[Any], ...] = ()) -> list[M]:
    query = select(model).where(*where).order_by(*order)
    return list(db.session.scalars(query))


def build_case_page(case: Case, actor: Actor) -> CasePage:
    """Assemble the case page (no audit: the caller has recorded the view)."""
    links = list(case.links)
    report_ids = [link.report_id for link in links]
    reports = {r.id: r for r in _rows(Report, Report.id.in_(report_ids))} if report_ids else {}
    active_ids = [link.report_id for link in links if link.unlinked_at is None]
    updates = _rows(ReportUpdate, ReportUpdate.report_id.in_(active_ids)) if active_ids else []
    decisions = _rows(TriageDecision, TriageDecision.report_id.in_(active_ids)) if active_ids else []
    assessments = _rows(RiskAssessment, RiskAssessment.case_id == case.id,
                        order=(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()))
    referrals = _rows(Referral, Referral.case_id == case.id, order=(Referral.proposed_at.desc(), Referral.id.desc()))
    contacts = _rows(ContactAttempt, ContactAttempt.case_id == case.id)
    notes = _rows(CaseNote, CaseNote.case_id == case.id)
    events = _rows(CaseEvent, CaseEvent.case_id == case.id)

    people = staff_names(
        {case.owner_id}
        | {r.taken_by_id for r in reports.values()}
        | {d.decided_by_id for d in decisions}
        | {a.assessed_by_id for a in assessments}
        | {r.created_by_id for r in referrals}
        | {c.made_by_id for c in contacts}
        | {n.author_id for n in notes}
        | {e.actor_id for e in events}
    )

    def who(staff_id: int | None, fallback: str) -> str:
        return people.get(staff_id, fallback) if staff_id else fallback

    active_reports = [reports[i] for i in active_ids if i in reports]
    origin_link = next((link for link in links if link.origin and link.unlinked_at is None), None)
    origin = reports.get(origin_link.report_id) if origin_link else (active_reports[0] if active_reports else None)
    history = CaseHistory(reports=active_reports, references={r.id: r.reference for r in reports.values()},
                          updates=updates, decisions=decisions, assessments=assessments, referrals=referrals,
                          contacts=contacts, notes=notes, events=events)

    received = origin.received_at if origin else case.opened_at
    timers = case_timers(case, received, referrals) if case.status is not CaseStatus.CLOSED else []
    origin_decisions = sorted((d for d in decisions if origin and d.report_id == origin.id),
                              key=lambda d: (d.decided_at, d.id))
    latest_decision = origin_decisions[-1] if origin_decisions else None
    return CasePage(
        case=case,
        owner_name=who(case.owner_id, "") or None,
        links=links,
        reports=reports,
        origin=origin,
        safe_contact=rules_for_reports(active_reports, updates),
        timers=timers,
        assessments=assessments,
        referrals=referrals,
        timeline=build_timeline(history, who),
        notes={n.id: n for n in notes},
        can_change=can_change(case, actor),
        prompts=referral_prompts(assessments[0] if assessments else None, referrals),
        referral_only=latest_decision is not None and latest_decision.next_step is NextStep.REFER_ONLY,
        triage_rationale=latest_decision.rationale if latest_decision else None,
    )


def referral_prompts(latest: RiskAssessment | None, referrals: list[Referral]) -> list[str]:
    """Return the partners the latest assessment says to refer to and that have no referral yet."""
    if latest is None:
        return []
    made = {r.partner for r in referrals}
    wanted: list[str] = []
    for prompt in latest.prompts:
        partner = _PROMPT_PARTNERS.get(prompt)
        if partner and partner not in made and partner not in wanted:
            wanted.append(partner)
    return wanted
