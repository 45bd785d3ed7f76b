"""Times as people in the UK read them: stored in UTC, shown on the UK clock (GMT or BST)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def _system_utc() -> datetime:
    return datetime.now(UTC)


# The one clock every "now" and "today" reads. Tests move it by replacing this function (monkeypatch).
clock = _system_utc


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (what the database stores)."""
    return clock()


def now() -> datetime:
    """The current time on the UK clock (GMT or BST)."""
    return clock().astimezone(UK)


def today() -> date:
    """Today's date in the UK (between midnight and 1am BST, UTC still says yesterday)."""
    return now().date()


def to_uk(moment: datetime) -> datetime:
    """The same instant on the UK clock."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant to convert")
    return moment.astimezone(UK)


def _clock(local: datetime) -> str:
    return local.strftime("%-I:%M") + local.strftime("%p").lower()


def uk_datetime(moment: datetime | None) -> str:
    """'25 November 2026 at 3:05pm' on the UK clock; empty for no time."""
    if moment is None:
        return ""
    local = to_uk(moment)
    return f"{local.day} {local:%B %Y} at {_clock(local)}"


def uk_date(moment: datetime | date | None) -> str:
    """'25 November 2026' (a datetime is first put on the UK clock, which can change the day)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_uk(moment)
    return f"{moment.day} {moment:%B %Y}"


def uk_short(moment: datetime | None) -> str:
    """'25 Nov 2026 15:05' for dense staff tables, on the UK clock."""
    if moment is None:
        return ""
    local = to_uk(moment)
    return f"{local.day} {local:%b %Y %H:%M}"


def uk_clock(moment: datetime | None) -> str:
    """'15:05' on the UK clock."""
    return "" if moment is None else f"{to_uk(moment):%H:%M}"
