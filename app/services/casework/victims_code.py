"""Victims' Code timers for a case, in working days with England and Wales bank holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context

from app.domain.uk_time import uk_date, uk_short
from app.domain.working_days import add_working_days, next_update_due, victims_code_deadlines
from app.models import Case, Referral, ReferralConsent, ReferralStatus
from app.models.types import utcnow

# Right 4 is a referral to a service that supports the victim: MARAC and children's social care are
# safeguarding referrals about risk, so on their own they do not meet it.
NOT_VICTIM_SUPPORT = frozenset({"marac", "childrens_social_care"})
DEFAULT_UPDATE_EVERY = 5


@dataclass(frozen=True)
class Timer:
    """One Victims' Code obligation: when it falls due and when it was met (last_at: when it was last met)."""

    key: str
    label: str
    due_at: datetime
    done_at: datetime | None
    last_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, now: datetime | None = None) -> bool:
        """Say whether the obligation is unmet past its due time."""
        return self.done_at is None and (now or utcnow()) > self.due_at

    def describe(self, now: datetime | None = None) -> str:
        """Return the timer's state in words, on the UK clock."""
        now = now or utcnow()
        if self.done_at is not None:
            return f"Done {uk_date(self.done_at)}"
        if now > self.due_at:
            return f"Overdue since {uk_short(self.due_at)}"
        return f"Due by {uk_short(self.due_at)}"


def uses_enhanced_timers(case: Case) -> bool:
    """Say whether the shorter deadlines apply: enhanced rights, or no decision recorded yet."""
    return case.enhanced_rights or case.enhanced_rights_recorded_at is None


def update_every() -> int:
    """Return the working days between regular updates when nothing new has happened (configuration)."""
    if has_app_context():
        return int(current_app.config.get("VICTIM_UPDATE_EVERY_WORKING_DAYS", DEFAULT_UPDATE_EVERY))
    return DEFAULT_UPDATE_EVERY


def victim_update_due(case: Case, enhanced: bool) -> datetime:
    """Return when the victim must next hear from us.

    News (the case opening, a status change) is due within 5 working days, 1 with enhanced rights. Once
    the victim has been updated since the latest news, the next regular update falls due a set number of
    working days after that update, so every update moves the date on.
    """
    news_due = next_update_due(case.update_due_from, enhanced)
    last = case.last_victim_update_at
    if last is None:
        return news_due
    regular_due = add_working_days(last, update_every())
    if last >= case.update_due_from:
        return regular_due
    return min(news_due, regular_due)


def case_timers(case: Case, received_at: datetime, referrals: list[Referral],
                now: datetime | None = None) -> list[Timer]:
    """Return the acknowledgement, support-referral and victim-update timers, overdue first, then soonest due."""
    now = now or utcnow()
    enhanced = uses_enhanced_timers(case)
    deadlines = victims_code_deadlines(received_at, enhanced)
    # A support referral is met once one is sent, or once the victim declines the offer (Right 4).
    support = [r for r in referrals if r.partner not in NOT_VICTIM_SUPPORT]
    met = [r.sent_at for r in support if r.sent_at is not None]
    met += [r.consent_recorded_at or r.proposed_at for r in support if r.consent is ReferralConsent.REFUSED]
    met += [r.accepted_at for r in support if r.status is ReferralStatus.ACCEPTED and r.accepted_at]
    timers = [
        Timer("acknowledgement", "Written acknowledgement", deadlines.acknowledgement_due, case.acknowledged_at),
        Timer("support_referral", "Referral to support services", deadlines.support_referral_due,
              min(met) if met else None),
        # Updates recur: never "done" while the case is open, and last_at says when the victim last heard.
        Timer("victim_update", "Update to the victim", victim_update_due(case, enhanced), None,
              case.last_victim_update_at),
    ]
    return sorted(timers, key=lambda t: (not t.overdue(now), t.done, t.due_at))


def next_deadline(timers: list[Timer]) -> datetime | None:
    """Return the earliest unmet due time, or None when every obligation is met."""
    open_dues = [timer.due_at for timer in timers if not timer.done]
    return min(open_dues) if open_dues else None
