"""Victims' Code timers for a case, in working days with England and Wales bank holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.working_days import next_update_due, victims_code_deadlines
from app.models import Case, Referral, ReferralConsent, ReferralStatus
from app.models.types import utcnow


@dataclass(frozen=True)
class Timer:
    """One Victims' Code obligation: when it falls due and when it was met."""

    key: str
    label: str
    due_at: datetime
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, now: datetime | None = None) -> bool:
        """Say whether the obligation is unmet past its due time."""
        return self.done_at is None and (now or utcnow()) > self.due_at

    def describe(self, now: datetime | None = None) -> str:
        """Return the timer's state in words."""
        now = now or utcnow()
        if self.done_at is not None:
            return f"Done {self.done_at:%d %b %Y}"
        if now > self.due_at:
            return f"Overdue since {self.due_at:%d %b %Y %H:%M}"
        return f"Due by {self.due_at:%d %b %Y %H:%M}"


def uses_enhanced_timers(case: Case) -> bool:
    """Say whether the shorter deadlines apply: enhanced rights, or no decision recorded yet."""
    return case.enhanced_rights or case.enhanced_rights_recorded_at is None


def case_timers(case: Case, received_at: datetime, referrals: list[Referral]) -> list[Timer]:
    """Return the acknowledgement, support-referral and victim-update timers for a case."""
    enhanced = uses_enhanced_timers(case)
    deadlines = victims_code_deadlines(received_at, enhanced)
    # A support referral is met once one is sent, or once the victim declines the offer (Right 4).
    met = [r.sent_at for r in referrals if r.sent_at is not None]
    met += [r.proposed_at for r in referrals if r.consent is ReferralConsent.REFUSED]
    met += [r.accepted_at for r in referrals if r.status is ReferralStatus.ACCEPTED and r.accepted_at]
    update_done = (
        case.last_victim_update_at
        if case.last_victim_update_at is not None and case.last_victim_update_at >= case.update_due_from
        else None
    )
    return [
        Timer("acknowledgement", "Written acknowledgement", deadlines.acknowledgement_due, case.acknowledged_at),
        Timer("support_referral", "Referral to support services", deadlines.support_referral_due,
              min(met) if met else None),
        Timer("victim_update", "Update to the victim", next_update_due(case.update_due_from, enhanced), update_done),
    ]


def next_deadline(timers: list[Timer]) -> datetime | None:
    """Return the earliest unmet due time, or None when every obligation is met."""
    open_dues = [timer.due_at for timer in timers if not timer.done]
    return min(open_dues) if open_dues else None
