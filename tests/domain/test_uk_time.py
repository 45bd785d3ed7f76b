"""UTC instants shown on the UK clock, across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.uk_time import uk_clock, uk_date, uk_datetime, uk_short


@pytest.mark.parametrize(("utc", "expected"), [
    (datetime(2026, 1, 15, 15, 5, tzinfo=UTC), "15 January 2026 at 3:05pm"),  # GMT
    (datetime(2026, 7, 15, 15, 5, tzinfo=UTC), "15 July 2026 at 4:05pm"),  # BST
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29 March 2026 at 12:59am"),  # last minute of GMT
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 March 2026 at 2:00am"),  # clocks go forward
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 October 2026 at 1:30am"),  # BST, before going back
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 October 2026 at 1:30am"),  # GMT, after going back
])
def test_uk_datetime(utc, expected):
    assert uk_datetime(utc) == expected


def test_late_evening_utc_in_summer_is_the_next_day_in_the_uk():
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert uk_date(moment) == "1 July 2026"
    assert uk_short(moment) == "1 Jul 2026 00:30"
    assert uk_clock(moment) == "00:30"


def test_plain_dates_and_none():
    assert uk_date(date(2026, 12, 25)) == "25 December 2026"
    assert uk_datetime(None) == uk_date(None) == uk_short(None) == uk_clock(None) == ""


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        uk_datetime(datetime(2026, 1, 1, 12, 0))


@pytest.mark.parametrize(("utc", "today"), [
    # 00:30 BST on 1 July is 23:30 UTC on 30 June: the UK's today is already 1 July.
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
    # 00:30 GMT on 15 January is 00:30 UTC: the same day.
    (datetime(2026, 1, 15, 0, 30, tzinfo=UTC), date(2026, 1, 15)),
    # 23:30 GMT on 14 January: still the 14th.
    (datetime(2026, 1, 14, 23, 30, tzinfo=UTC), date(2026, 1, 14)),
])
def test_today_is_the_uk_date(monkeypatch, utc, today):
    from app.domain import uk_time

    monkeypatch.setattr(uk_time, "clock", lambda: utc)
    assert uk_time.today() == today
    assert uk_time.utcnow() == utc
    assert uk_time.now().date() == today
