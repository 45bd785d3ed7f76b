"""Victims' Code timers in working days, skipping weekends and England and Wales bank holidays.

Counting rule: the day something is received is day 0 and never counts, whatever the time or whether
it is a working day; day 1 is the next working day. So a report at 17:00 on a Friday is due "within
1 working day" on Monday (Tuesday if Monday is a bank holiday). A datetime keeps its time of day:
received Friday 17:00, 1 working day is Monday 17:00 UK time. Aware datetimes are read in UK time,
so a report at 23:30 UTC in summer counts from the next day; naive datetimes are taken as UK time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TypeVar

import holidays

from app.domain.uk_time import UK

ACKNOWLEDGEMENT_DAYS = 5
ACKNOWLEDGEMENT_DAYS_ENHANCED = 1
SUPPORT_REFERRAL_DAYS = 2
UPDATE_DAYS = 5
UPDATE_DAYS_ENHANCED = 1

When = TypeVar("When", date, datetime)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """Return the England and Wales bank holidays (including substitute days) in a year."""
    # England and Wales share one list; holidays.UK(subdiv="WLS") gives the same dates.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Say whether a day is Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """Return the first working day after the given day."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _uk_local(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UK)


def _day(moment: date) -> date:
    return _uk_local(moment).date() if isinstance(moment, datetime) else moment


def add_working_days(start: When, n: int) -> When:
    """Return the moment n working days after start, counting from the next working day (start is day 0)."""
    if n < 0:
        raise ValueError("Count forwards: n must be 0 or more")
    day = _day(start)
    for _ in range(n):
        day = next_working_day(day)
    if not isinstance(start, datetime):
        return day
    if start.tzinfo is None:
        return datetime.combine(day, start.time())
    return datetime.combine(day, _uk_local(start).time(), UK).astimezone(start.tzinfo)


def working_days_between(start: date, end: date) -> int:
    """Return the working days after start up to and including end (negative if end is before start)."""
    first, last = _day(start), _day(end)
    if last < first:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (last - first).days + 1) if is_working_day(first + timedelta(days=offset)))


class EnhancedRightsCategory(StrEnum):
    """Why a victim has enhanced rights under the Victims' Code."""

    MOST_SERIOUS_CRIME = "most_serious_crime"
    PERSISTENTLY_TARGETED = "persistently_targeted"
    VULNERABLE_OR_INTIMIDATED = "vulnerable_or_intimidated"
    UNDER_18 = "under_18"

    @property
    def label(self) -> str:
        """Return the plain label shown to staff."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    EnhancedRightsCategory.MOST_SERIOUS_CRIME: "Victim of the most serious crime, including domestic abuse",
    EnhancedRightsCategory.PERSISTENTLY_TARGETED: "Persistently targeted, as is typical of stalking",
    EnhancedRightsCategory.VULNERABLE_OR_INTIMIDATED: "Vulnerable or intimidated",
    EnhancedRightsCategory.UNDER_18: "Under 18",
}


@dataclass(frozen=True)
class VictimsCodeDeadlines:
    """When the Victims' Code obligations for a new report fall due."""

    received_at: datetime
    enhanced: bool
    acknowledgement_due: datetime
    support_referral_due: datetime

    @property
    def first_update_due(self) -> datetime:
        """Return when the first update is due: the written acknowledgement is the first update."""
        return self.acknowledgement_due


def victims_code_deadlines(received_at: datetime, enhanced: bool) -> VictimsCodeDeadlines:
    """Return the acknowledgement (5 working days, 1 if enhanced) and support referral (2) due times."""
    return VictimsCodeDeadlines(
        received_at=received_at,
        enhanced=enhanced,
        acknowledgement_due=add_working_days(
            received_at, ACKNOWLEDGEMENT_DAYS_ENHANCED if enhanced else ACKNOWLEDGEMENT_DAYS
        ),
        support_referral_due=add_working_days(received_at, SUPPORT_REFERRAL_DAYS),
    )


def next_update_due(last_update_at: datetime, enhanced: bool) -> datetime:
    """Return when the victim must next be told of a case event: 5 working days after it, or 1 if enhanced."""
    return add_working_days(last_update_at, UPDATE_DAYS_ENHANCED if enhanced else UPDATE_DAYS)
