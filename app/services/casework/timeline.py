"""The case timeline: one entry per thing that happened, in words, newest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.safe_contact import CHANNELS, OUTCOMES
from app.domain.triage import GRADE_LABELS, NEXT_STEP_LABELS
from app.models import (
    CaseEvent,
    CaseNote,
    ContactAttempt,
    Referral,
    ReferralConsent,
    Report,
    ReportUpdate,
    RiskAssessment,
    TriageDecision,
)

EVENT_TITLES = {
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
class CaseHistory:
    """The rows a case's timeline is made from."""

    reports: list[Report]
    references: dict[int, str]
    updates: list[ReportUpdate]
    decisions: list[TriageDecision]
    assessments: list[RiskAssessment]
    referrals: list[Referral]
    contacts: list[ContactAttempt]
    notes: list[CaseNote]
    events: list[CaseEvent]


Who = Callable[[int | None, str], str]


def _referral_entries(referrals: Iterable[Referral], events: Iterable[CaseEvent], who: Who) -> list[TimelineEntry]:
    # A referral's consent may be recorded again later; its first change remembers what it was made with.
    made_with: dict[Any, dict[str, Any]] = {}
    for e in sorted(events, key=lambda e: (e.occurred_at, e.id)):
        if e.kind == "referral_consent":
            made_with.setdefault(e.data.get("referral_id"), e.data)
    entries = []
    for r in referrals:
        first = made_with.get(r.id)
        consent = ReferralConsent(first["from"]) if first else r.consent
        note = first.get("from_note") if first else r.consent_note
        text = f"Consent: {consent.label}" + (f": {note}" if note else "")
        entries.append(TimelineEntry(r.proposed_at, "referral", f"Referral to {r.partner_name} proposed",
                                     who(r.created_by_id, "System"), text))
    return entries


def _contact_text(c: ContactAttempt) -> str:
    text = f"Outcome: {OUTCOMES.get(c.outcome, c.outcome)}"
    if c.unsafe_channel_override:
        text += f". Unsafe channel used, reason: {c.unsafe_channel_override}"
    if c.summary:
        text += f". {c.summary}"
    return text


def build_timeline(history: CaseHistory, who: Who) -> list[TimelineEntry]:
    """Every report, update, decision, assessment, referral, contact, note and change, newest first."""
    timeline: list[TimelineEntry] = []
    for report in history.reports:
        source = who(report.taken_by_id, "Victim") if report.taken_by_id else "Victim (online)"
        timeline.append(TimelineEntry(report.received_at, "report", f"Report {report.reference} received",
                                      source, f"Channel: {report.channel.label}"))
    for update in history.updates:
        ref = history.references[update.report_id]
        timeline.append(TimelineEntry(update.received_at, "update", f"Victim added to report {ref}", "Victim"))
    for decision in history.decisions:
        timeline.append(TimelineEntry(
            decision.decided_at, "triage", f"Triage decision on report {history.references[decision.report_id]}",
            who(decision.decided_by_id, "System"),
            f"Grade: {GRADE_LABELS[decision.grade]}. Next step: {NEXT_STEP_LABELS[decision.next_step]}"))
    for a in history.assessments:
        judgement = f" Professional judgement: {a.judgement_reason}" if a.judgement_reason else ""
        timeline.append(TimelineEntry(
            a.assessed_at, "risk", f"Risk assessment ({a.instrument_id} version {a.instrument_version})",
            who(a.assessed_by_id, "System"), f"Level: {a.level.capitalize()}. {a.yes_count} yes answers.{judgement}"))
    timeline += _referral_entries(history.referrals, history.events, who)
    for c in history.contacts:
        timeline.append(TimelineEntry(c.attempted_at, "contact",
                                      f"Contact attempt: {CHANNELS.get(c.channel, c.channel)}",
                                      who(c.made_by_id, "System"), _contact_text(c)))
    for n in history.notes:
        title = f"Correction to note {n.corrects_id}" if n.corrects_id else f"Note {n.id}"
        timeline.append(TimelineEntry(n.created_at, "note", title, who(n.author_id, "System"), n.body,
                                      record_id=n.id))
    for e in history.events:
        text = e.summary if not e.detail else f"{e.summary}. {e.detail}"
        timeline.append(TimelineEntry(e.occurred_at, e.kind, EVENT_TITLES.get(e.kind, "Case updated"),
                                      who(e.actor_id, "System"), text))
    # Newest first; things recorded at the same instant (picked up, then the status change) keep their order.
    order = {id(entry): n for n, entry in enumerate(timeline)}
    return sorted(timeline, key=lambda entry: (entry.at, order[id(entry)]), reverse=True)
