"""Officer casework: opening cases from triage, loading them for view or change, status and timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseNote,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    ContactAttempt,
    EnhancedRightsCategory,
    NextStep,
    Referral,
    ReferralConsent,
    Report,
    ReportStatus,
    ReportUpdate,
    RiskAssessment,
    Role,
    StaffUser,
    TriageDecision,
)
from app.models.types import utcnow
from app.services import audit
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.safe_contact import SafeContactRules, latest_answers, safe_contact_rules
from app.services.victims_code import Timer, case_timers, next_deadline

STALE_MESSAGE = (
    "Someone else changed this case after you opened it. Your changes were not saved: "
    "check the case as it is now, then make your change again."
)
CHANGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Forbidden(ServiceError):
    """The person may not see or change this case."""


class StaleCase(Conflict):
    """The case changed since the person loaded the form."""

    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(message)


class FieldError(ServiceError):
    """A value the person gave breaks a rule; `field` names the form field to show it against."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- permissions ---------------------------------------------------------------------------------

def can_view(case: Case, actor: StaffUser) -> bool:
    """Supervisors and admins see every case; officers see their own and those waiting in the pool."""
    if actor.role in CHANGERS:
        return True
    return actor.role is Role.OFFICER and (case.owner_id == actor.id or case.owner_id is None)


def can_change(case: Case, actor: StaffUser) -> bool:
    """Only the owner, supervisors and admins may change a case."""
    return actor.role in CHANGERS or (actor.role is Role.OFFICER and case.owner_id == actor.id)


def get_case(case_id: int) -> Case:
    """Return a case or raise NotFound."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("There is no such case")
    return case


def case_for_change(case_id: int, actor: StaffUser, expected_version: int | None = None) -> Case:
    """Load a case the actor may change, refusing a stale version (for use inside a service)."""
    case = get_case(case_id)
    if not can_change(case, actor):
        raise Forbidden("Only the officer in the case, a supervisor or an admin can change this case")
    if expected_version is not None and case.version != expected_version:
        raise StaleCase()
    return case


def add_event(case: Case, actor: StaffUser | None, kind: str, summary: str, *, detail: str | None = None,
              data: dict[str, Any] | None = None) -> CaseEvent:
    """Add a timeline event to the current transaction."""
    event = CaseEvent(case_id=case.id, kind=kind, actor_id=actor.id if actor else None, summary=summary,
                      detail=detail, data=data or {})
    db.session.add(event)
    return event


def commit_case_change() -> None:
    """Commit, turning a lost optimistic-lock race into the stale-case message."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCase() from None


# --- opening ----------------------------------------------------------------------------------------

_STALKING_CODES = ("stalking", "s2a", "s4a")


def open_case_from_triage(report: Report, decision: TriageDecision) -> Case:
    """Open a case for a triaged report in the caller's transaction; a named officer owns it at once."""
    existing = db.session.scalar(
        select(CaseReport).where(CaseReport.report_id == report.id, CaseReport.unlinked_at.is_(None))
    )
    if existing is not None:
        # A victim's update brought a report that is already in a case back to triage: the case goes on.
        return _note_update_triaged(db.session.get(Case, existing.case_id), report, decision)
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
    audit.record("case.opened", "case", case.id, details={"report_id": report.id, "named": named})
    return case


def _note_update_triaged(case: Case, report: Report, decision: TriageDecision) -> Case:
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
    audit.record("case.update_triaged", "case", case.id, details={"report_id": report.id})
    return case


def officer_may_read_report(report_id: int, actor: StaffUser) -> bool:
    """An officer reads a report (and its evidence) only through a case they may see: their own or one in the pool."""
    return db.session.scalar(
        select(CaseReport.id).join(Case, Case.id == CaseReport.case_id).where(
            CaseReport.report_id == report_id, CaseReport.unlinked_at.is_(None),
            or_(Case.owner_id == actor.id, Case.owner_id.is_(None)),
        ).limit(1)
    ) is not None


def report_in_case(case_id: int, report_id: int) -> bool:
    """True when the report is linked to the case now (an unlinked report is read from its own case)."""
    return db.session.scalar(select(CaseReport.id).where(
        CaseReport.case_id == case_id, CaseReport.report_id == report_id, CaseReport.unlinked_at.is_(None))) is not None


# --- lists --------------------------------------------------------------------------------------------

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
    owner_ids = {case.owner_id for case in cases if case.owner_id}
    names = staff_names(owner_ids)
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


def staff_names(ids: set[int | None]) -> dict[int, str]:
    """Return staff names by id."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))).all())


def pool(limit: int = 100) -> list[CaseRow]:
    """Return the cases waiting to be picked up, most urgent first, then oldest."""
    cases = list(db.session.scalars(
        select(Case)
        .where(Case.owner_id.is_(None), Case.status != CaseStatus.CLOSED)
        .order_by(Case.priority_rank, Case.opened_at, Case.id)
        .limit(limit)
    ))
    return case_rows(cases)


def my_cases(officer: StaffUser) -> list[CaseRow]:
    """Return an officer's open cases, overdue Victims' Code obligations first, then soonest due."""
    cases = list(db.session.scalars(
        select(Case).where(Case.owner_id == officer.id, Case.status != CaseStatus.CLOSED)
    ))
    rows = case_rows(cases)
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    return sorted(rows, key=lambda row: (not row.overdue, row.next_due or far, row.case.priority_rank, row.case.id))


# --- the case page ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened on a case, with who and when."""

    at: datetime
    kind: str
    title: str
    who: str
    text: str | None = None
    record_id: int | None = None


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


def contact_answers(reports: list[Report], updates: list[ReportUpdate]) -> dict[str, Any]:
    """Return the answers to read safe-contact rules from: the newest contact rules a victim gave, and who reported."""
    return latest_answers(reports, updates)


def safe_contact_for_case(case: Case) -> SafeContactRules:
    """Return the safe-contact rules that hold for a case's victim."""
    report_ids = [link.report_id for link in case.active_links]
    reports = list(db.session.scalars(select(Report).where(Report.id.in_(report_ids)))) if report_ids else []
    updates = list(db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id.in_(report_ids)))) \
        if report_ids else []
    return safe_contact_rules(contact_answers(reports, updates))


def view_case(case_id: int, actor: StaffUser) -> CasePage:
    """Return the case page for someone allowed to see it, auditing the view."""
    case = get_case(case_id)
    if not can_view(case, actor):
        audit.record("case.view_refused", "case", case.id)
        db.session.commit()
        raise Forbidden("You cannot see this case")
    audit.record("case.viewed", "case", case.id)
    db.session.commit()
    return build_case_page(case, actor)


def build_case_page(case: Case, actor: StaffUser) -> CasePage:
    """Assemble the case page (no audit: the caller has recorded the view)."""
    links = list(case.links)
    report_ids = [link.report_id for link in links]
    reports = {r.id: r for r in db.session.scalars(select(Report).where(Report.id.in_(report_ids)))} \
        if report_ids else {}
    active_ids = [link.report_id for link in links if link.unlinked_at is None]
    updates = list(db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id.in_(active_ids)))) \
        if active_ids else []
    decisions = list(db.session.scalars(select(TriageDecision).where(TriageDecision.report_id.in_(active_ids)))) \
        if active_ids else []
    assessments = list(db.session.scalars(
        select(RiskAssessment).where(RiskAssessment.case_id == case.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())))
    referrals = list(db.session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.proposed_at.desc(), Referral.id.desc())))
    contacts = list(db.session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id)))
    notes = list(db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)))
    events = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)))

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

    def who(staff_id: int | None, fallback: str = "System") -> str:
        return people.get(staff_id, fallback) if staff_id else fallback

    active_reports = [reports[i] for i in active_ids if i in reports]
    origin_link = next((link for link in links if link.origin and link.unlinked_at is None), None)
    origin = reports.get(origin_link.report_id) if origin_link else (active_reports[0] if active_reports else None)

    timeline: list[TimelineEntry] = []
    for report in active_reports:
        source = who(report.taken_by_id, "Victim") if report.taken_by_id else "Victim (online)"
        timeline.append(TimelineEntry(report.received_at, "report", f"Report {report.reference} received",
                                      source, f"Channel: {report.channel.label}"))
    for update in updates:
        ref = reports[update.report_id].reference
        timeline.append(TimelineEntry(update.received_at, "update", f"Victim added to report {ref}", "Victim"))
    for decision in decisions:
        step = decision.next_step.value.replace("_", " ")
        timeline.append(TimelineEntry(
            decision.decided_at, "triage", f"Triage decision on report {reports[decision.report_id].reference}",
            who(decision.decided_by_id), f"Grade: {decision.grade.value.replace('_', ' ')}; next step: {step}"))
    for a in assessments:
        judgement = f" Professional judgement: {a.judgement_reason}" if a.judgement_reason else ""
        timeline.append(TimelineEntry(
            a.assessed_at, "risk", f"Risk assessment ({a.instrument_id} version {a.instrument_version})",
            who(a.assessed_by_id), f"Level: {a.level.capitalize()}. {a.yes_count} yes answers.{judgement}"))
    # A referral's consent may be recorded again later; its first change remembers what it was made with.
    made_with: dict[int, dict[str, Any]] = {}
    for e in sorted(events, key=lambda e: (e.occurred_at, e.id)):
        if e.kind == "referral_consent":
            made_with.setdefault(e.data.get("referral_id"), e.data)
    for r in referrals:
        first = made_with.get(r.id)
        consent = ReferralConsent(first["from"]) if first else r.consent
        note = first.get("from_note") if first else r.consent_note
        text = f"Consent: {consent.label}" + (f": {note}" if note else "")
        timeline.append(TimelineEntry(r.proposed_at, "referral", f"Referral to {r.partner_name} proposed",
                                      who(r.created_by_id), text))
    for c in contacts:
        from app.services.contacts import OUTCOMES

        text = f"Outcome: {OUTCOMES.get(c.outcome, c.outcome)}"
        if c.unsafe_channel_override:
            text += f". Unsafe channel used, reason: {c.unsafe_channel_override}"
        if c.summary:
            text += f". {c.summary}"
        timeline.append(TimelineEntry(c.attempted_at, "contact",
                                      f"Contact attempt: {safe_contact_rules({}).channel_label(c.channel)}",
                                      who(c.made_by_id), text))
    for n in notes:
        title = f"Correction to note {n.corrects_id}" if n.corrects_id else f"Note {n.id}"
        timeline.append(TimelineEntry(n.created_at, "note", title, who(n.author_id), n.body, record_id=n.id))
    for e in events:
        text = e.summary if not e.detail else f"{e.summary}. {e.detail}"
        timeline.append(TimelineEntry(e.occurred_at, e.kind, _EVENT_TITLES.get(e.kind, "Case updated"),
                                      who(e.actor_id), text))
    # Newest first; things recorded at the same instant (picked up, then the status change) keep their order.
    order = {id(entry): n for n, entry in enumerate(timeline)}
    timeline.sort(key=lambda entry: (entry.at, order[id(entry)]), reverse=True)

    received = origin.received_at if origin else case.opened_at
    timers = case_timers(case, received, referrals) if case.status is not CaseStatus.CLOSED else []
    origin_decisions = sorted((d for d in decisions if origin and d.report_id == origin.id),
                              key=lambda d: (d.decided_at, d.id))
    latest_decision = origin_decisions[-1] if origin_decisions else None
    prompts = referral_prompts(assessments[0] if assessments else None, referrals)
    return CasePage(
        case=case,
        owner_name=who(case.owner_id, "") or None,
        links=links,
        reports=reports,
        origin=origin,
        safe_contact=safe_contact_rules(contact_answers(active_reports, updates)),
        timers=timers,
        assessments=assessments,
        referrals=referrals,
        timeline=timeline,
        notes={n.id: n for n in notes},
        can_change=can_change(case, actor),
        prompts=prompts,
        referral_only=latest_decision is not None and latest_decision.next_step is NextStep.REFER_ONLY,
        triage_rationale=latest_decision.rationale if latest_decision else None,
    )


_EVENT_TITLES = {
    "opened": "Case opened",
    "claimed": "Case picked up",
    "reassigned": "Case reassigned",
    "status": "Status changed",
    "linked": "Report linked",
    "unlinked": "Report unlinked",
    "referral_status": "Referral status changed",
    "referral_consent": "Consent recorded",
    "enhanced_rights": "Enhanced rights recorded",
    "update_triaged": "Victim update triaged",
}


def referral_prompts(latest: RiskAssessment | None, referrals: list[Referral]) -> list[str]:
    """Return the partners the latest assessment says to refer to and that have no referral yet."""
    if latest is None:
        return []
    made = {r.partner for r in referrals}
    wanted = []
    for prompt in latest.prompts:
        partner = {"marac": "marac", "idva": "idva", "paladin": "paladin",
                   "childrens-social-care": "childrens_social_care"}.get(prompt)
        if partner and partner not in made and partner not in wanted:
            wanted.append(partner)
    return wanted


# --- status and enhanced rights -------------------------------------------------------------------------

def change_status(case_id: int, actor: StaffUser, *, status: CaseStatus, expected_version: int,
                  outcome: CaseOutcome | None = None, rationale: str | None = None) -> Case:
    """Move a case to a new status; closing needs an outcome, and no further action needs a rationale."""
    case = case_for_change(case_id, actor, expected_version)
    rationale = (rationale or "").strip() or None
    if status is CaseStatus.CLOSED:
        if outcome is None:
            raise FieldError("outcome", "Select the outcome of the case")
        if outcome is CaseOutcome.NO_FURTHER_ACTION and not rationale:
            raise FieldError("rationale", "Explain why there is no further action")
    elif outcome is not None:
        raise FieldError("outcome", "Only a closed case has an outcome")
    if status is case.status and status is not CaseStatus.CLOSED:
        raise FieldError("status", f"The case is already {status.label.lower()}")
    previous = case.status
    now = utcnow()
    case.status = status
    case.outcome = outcome
    case.outcome_rationale = rationale if status is CaseStatus.CLOSED else None
    case.closed_at = now if status is CaseStatus.CLOSED else None
    # A change of status is news the victim must be told within the Victims' Code time.
    case.update_due_from = now
    summary = f"Status changed from {previous.label.lower()} to {status.label.lower()}"
    if outcome is not None:
        summary += f" (outcome: {outcome.label.lower()})"
    add_event(case, actor, "status", summary, detail=rationale if status is CaseStatus.CLOSED else None,
              data={"from": previous.value, "to": status.value, "outcome": outcome.value if outcome else None})
    audit.record("case.status_changed", "case", case.id,
                 details={"from": previous.value, "to": status.value, "outcome": outcome.value if outcome else None})
    commit_case_change()
    return case


def record_enhanced_rights(case_id: int, actor: StaffUser, *, enhanced: bool,
                           category: EnhancedRightsCategory | None, reason: str | None,
                           expected_version: int) -> Case:
    """Record whether the victim has enhanced rights under the Victims' Code, and why."""
    case = case_for_change(case_id, actor, expected_version)
    reason = (reason or "").strip() or None
    if enhanced and category is None:
        raise FieldError("category", "Select why the victim has enhanced rights")
    if not reason:
        raise FieldError("reason", "Explain why" + (" the victim has enhanced rights" if enhanced
                                                     else " the victim does not have enhanced rights"))
    case.enhanced_rights = enhanced
    case.enhanced_rights_category = category if enhanced else None
    case.enhanced_rights_reason = reason
    case.enhanced_rights_recorded_at = utcnow()
    summary = f"Enhanced rights: {category.label}" if enhanced and category else "No enhanced rights"
    add_event(case, actor, "enhanced_rights", summary, detail=reason,
              data={"enhanced": enhanced, "category": category.value if category and enhanced else None})
    audit.record("case.enhanced_rights_recorded", "case", case.id,
                 details={"enhanced": enhanced, "category": category.value if category and enhanced else None})
    commit_case_change()
    return case


# --- supervisors ---------------------------------------------------------------------------------------------

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


def _by_risk(query, limit: int) -> list[Case]:
    return list(db.session.scalars(
        query.order_by(_RISK_RANK, Case.priority_rank, Case.opened_at, Case.id).limit(limit)))


def supervisor_view(limit: int = 200) -> SupervisorView:
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
    return SupervisorView(by_risk, open_cases, unassigned, overdue_updates, overdue_triage)


def officers() -> list[StaffUser]:
    """Return the active officers a case can be assigned to."""
    return list(db.session.scalars(
        select(StaffUser).where(StaffUser.role == Role.OFFICER, StaffUser.active.is_(True)).order_by(StaffUser.name)
    ))


def reassign(case_id: int, actor: StaffUser, *, officer_id: int | None, expected_version: int) -> Case:
    """Give a case to another officer, or back to the pool (supervisors and admins only)."""
    if actor.role not in CHANGERS:
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
    audit.record("case.reassigned", "case", case.id,
                 details={"from": previous, "to": case.owner_id, "status_from": status_from.value,
                          "status_to": case.status.value})
    commit_case_change()
    return case
