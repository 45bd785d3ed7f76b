"""Approximate dates as victims give them ("about March 2025", "last summer") turned into a sort date.

Pure rules (no Flask): the earliest date the words can mean, so an incident log sorts sensibly;
None when the words cannot be read, which is still a valid answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain import uk_time

_MONTHS = {name: i for i, names in enumerate([
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_FILLER = re.compile(r"\b(about|around|approx(imately)?|roughly|circa|c\.|maybe|i think|sometime|some time|"
                     r"in|on|the|of|early|mid|late|end|start|beginning|middle|ca)\b|[,.~?]")


def _year(text: str, today: date) -> int | None:
    value = int(text)
    if value < 100:
        # Two digits mean the most recent such year: "80" is 1980, "25" is 2025 (nothing here is in the future).
        value += 2000 if 2000 + value <= today.year else 1900
    return value if 1900 <= value <= 2100 else None


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class Precision(StrEnum):
    """How much of a date the words gave: a day, or only a week, month, season or year."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"


@dataclass(frozen=True)
class ApproximateDate:
    """The earliest date the words can mean, and how precise the words were."""

    date: date
    precision: Precision


def parse_date(text: str, today: date | None = None) -> ApproximateDate | None:
    """Read a date as people give it ("3 March 2025", "about March 2025", "last summer"); None if unreadable.

    `today` anchors relative words ("yesterday"); it defaults to today on the UK clock.
    """
    today = today or uk_time.today()
    raw = (text or "").strip().lower()
    if not raw or len(raw) > 100:
        return None
    relative = _relative(raw, today)
    if relative is not None:
        return relative
    words = " ".join(_FILLER.sub(" ", raw).split())
    words = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", words)
    # 3/4/2025, 3-4-25, 3.4.2025: day first, as in the UK.
    numeric = re.fullmatch(r"(\d{1,2})[/\- ](\d{1,2})[/\- ](\d{2}|\d{4})", words)
    if numeric:
        return _dated(_year(numeric.group(3), today), int(numeric.group(2)), int(numeric.group(1)), Precision.DAY)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", words)
    if iso:
        return _dated(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), Precision.DAY)
    month_year = re.fullmatch(r"(\d{1,2}\s+)?([a-z]+)\s+(\d{2}|\d{4})", words)
    if month_year and month_year.group(2) in _MONTHS:
        if month_year.group(1):
            return _dated(_year(month_year.group(3), today), _MONTHS[month_year.group(2)], int(month_year.group(1)),
                          Precision.DAY)
        return _dated(_year(month_year.group(3), today), _MONTHS[month_year.group(2)], 1, Precision.MONTH)
    month_first = re.fullmatch(r"([a-z]+)\s+(\d{1,2})\s+(\d{4})", words)
    if month_first and month_first.group(1) in _MONTHS:
        return _dated(int(month_first.group(3)), _MONTHS[month_first.group(1)], int(month_first.group(2)),
                      Precision.DAY)
    season = re.fullmatch(r"([a-z]+)\s+(\d{4})", words)
    if season and season.group(1) in _SEASONS:
        return _dated(int(season.group(2)), _SEASONS[season.group(1)], 1, Precision.SEASON)
    if re.fullmatch(r"\d{4}", words):
        return _dated(_year(words, today), 1, 1, Precision.YEAR)
    only_month = words if words in _MONTHS else None
    if only_month:
        month = _MONTHS[only_month]
        year = today.year if month <= today.month else today.year - 1
        return ApproximateDate(date(year, month, 1), Precision.MONTH)
    return None


def parse_approximate_date(text: str, today: date | None = None) -> date | None:
    """Return the earliest date the words can mean, or None if they cannot be read."""
    parsed = parse_date(text, today)
    return parsed.date if parsed else None


def _dated(year: int | None, month: int, day: int, precision: Precision) -> ApproximateDate | None:
    found = _safe_date(year, month, day)
    return ApproximateDate(found, precision) if found else None


def _relative(raw: str, today: date) -> ApproximateDate | None:
    if raw in {"today", "this morning", "this afternoon", "this evening", "tonight", "just now"}:
        return ApproximateDate(today, Precision.DAY)
    if raw in {"yesterday", "last night"}:
        return ApproximateDate(today - timedelta(days=1), Precision.DAY)
    match = re.fullmatch(r"(about |around )?(\d{1,4}|a|one|two|three) (day|week|month|year)s? ago", raw)
    if match:
        count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(match.group(2)) or int(match.group(2))
        unit = match.group(3)
        days = {"day": 1, "week": 7, "month": 31, "year": 366}[unit] * count
        if days > 366 * 200:
            return None
        precision = {"day": Precision.DAY, "week": Precision.WEEK, "month": Precision.MONTH,
                     "year": Precision.YEAR}[unit]
        return ApproximateDate(today - timedelta(days=days), precision)
    match = re.fullmatch(r"(about |around )?last (week|month|year|summer|winter|spring|autumn)", raw)
    if match:
        unit = match.group(2)
        if unit == "week":
            return ApproximateDate(today - timedelta(days=today.weekday() + 7), Precision.WEEK)
        if unit == "month":
            return ApproximateDate((today.replace(day=1) - timedelta(days=1)).replace(day=1), Precision.MONTH)
        if unit == "year":
            return ApproximateDate(date(today.year - 1, 1, 1), Precision.YEAR)
        month = _SEASONS[unit]
        year = today.year if month < today.month else today.year - 1
        return ApproximateDate(date(year, month, 1), Precision.SEASON)
    return None
