"""Approximate dates as victims give them ("about March 2025", "last summer") turned into a sort date.

Pure rules (no Flask): the earliest date the words can mean, so an incident log sorts sensibly;
None when the words cannot be read, which is still a valid answer.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {name: i for i, names in enumerate([
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_FILLER = re.compile(r"\b(about|around|approx(imately)?|roughly|circa|c\.|maybe|i think|sometime|some time|"
                     r"in|on|the|of|early|mid|late|end|start|beginning|middle|ca)\b|[,.~?]")


def _year(text: str) -> int | None:
    value = int(text)
    if value < 100:
        value += 2000
    return value if 1900 <= value <= 2100 else None


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_approximate_date(text: str, today: date | None = None) -> date | None:
    """Return the earliest date the words can mean, or None if they cannot be read."""
    today = today or date.today()
    raw = (text or "").strip().lower()
    if not raw:
        return None
    relative = _relative(raw, today)
    if relative is not None:
        return relative
    words = " ".join(_FILLER.sub(" ", raw).split())
    words = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", words)
    # 3/4/2025, 3-4-25, 3.4.2025: day first, as in the UK.
    numeric = re.fullmatch(r"(\d{1,2})[/\- ](\d{1,2})[/\- ](\d{2}|\d{4})", words)
    if numeric:
        return _safe_date(_year(numeric.group(3)), int(numeric.group(2)), int(numeric.group(1)))
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", words)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    month_year = re.fullmatch(r"(\d{1,2}\s+)?([a-z]+)\s+(\d{2}|\d{4})", words)
    if month_year and month_year.group(2) in _MONTHS:
        day = int(month_year.group(1)) if month_year.group(1) else 1
        return _safe_date(_year(month_year.group(3)), _MONTHS[month_year.group(2)], day)
    month_first = re.fullmatch(r"([a-z]+)\s+(\d{1,2})\s+(\d{4})", words)
    if month_first and month_first.group(1) in _MONTHS:
        return _safe_date(int(month_first.group(3)), _MONTHS[month_first.group(1)], int(month_first.group(2)))
    season = re.fullmatch(r"([a-z]+)\s+(\d{4})", words)
    if season and season.group(1) in _SEASONS:
        return _safe_date(int(season.group(2)), _SEASONS[season.group(1)], 1)
    if re.fullmatch(r"\d{4}", words):
        return _safe_date(_year(words), 1, 1)
    only_month = words if words in _MONTHS else None
    if only_month:
        month = _MONTHS[only_month]
        year = today.year if month <= today.month else today.year - 1
        return date(year, month, 1)
    return None


def _relative(raw: str, today: date) -> date | None:
    if raw in {"today", "this morning", "this afternoon", "this evening", "tonight", "just now"}:
        return today
    if raw in {"yesterday", "last night"}:
        return today - timedelta(days=1)
    match = re.fullmatch(r"(about |around )?(\d+|a|one|two|three) (day|week|month|year)s? ago", raw)
    if match:
        count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(match.group(2)) or int(match.group(2))
        days = {"day": 1, "week": 7, "month": 31, "year": 366}[match.group(3)] * count
        return today - timedelta(days=days)
    match = re.fullmatch(r"(about |around )?last (week|month|year|summer|winter|spring|autumn)", raw)
    if match:
        unit = match.group(2)
        if unit == "week":
            return today - timedelta(days=today.weekday() + 7)
        if unit == "month":
            return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        if unit == "year":
            return date(today.year - 1, 1, 1)
        month = _SEASONS[unit]
        year = today.year if month < today.month else today.year - 1
        return date(year, month, 1)
    return None
