from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.working_days import (
    EnhancedRightsCategory,
    add_working_days,
    bank_holidays,
    is_working_day,
    next_update_due,
    next_working_day,
    victims_code_deadlines,
    working_days_between,
)

FAST = settings(max_examples=100, deadline=None)
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday, Christmas Eve is not a bank holiday
        (date(2026, 12, 25), False),  # Christmas Day, Friday
        (date(2026, 12, 28), False),  # Boxing Day substitute (26th is a Saturday)
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday 2027
        (date(2027, 3, 29), False),  # Easter Monday 2027
        (date(2027, 3, 30), True),
        (date(2027, 12, 27), False),  # Christmas Day substitute
        (date(2027, 12, 28), False),  # Boxing Day substitute
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday (England and Wales, not Scotland's)
        (date(2026, 8, 3), True),  # Scotland's summer bank holiday is a working day here
        (date(2026, 11, 30), True),  # St Andrew's Day is Scotland only
        (date(2026, 3, 17), True),  # St Patrick's Day is Northern Ireland only
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2022, 9, 19), False),  # one-off: the State Funeral
        (date(2023, 5, 8), False),  # one-off: the Coronation
    ],
)
def test_working_days_and_bank_holidays(day, working):
    assert is_working_day(day) is working


def test_england_and_wales_share_bank_holidays():
    for year in range(2024, 2031):
        assert bank_holidays(year) == frozenset(holidays.UK(subdiv="WLS", years=year))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 3, 2), 0, date(2026, 3, 2)),  # Monday, nothing to add
        (date(2026, 3, 2), 1, date(2026, 3, 3)),
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # a week later
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday -> Monday
        (date(2026, 3, 8), 1, date(2026, 3, 9)),  # Sunday -> Monday
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Friday before the spring bank holiday Monday
        (date(2026, 5, 22), 2, date(2026, 5, 27)),
        (date(2026, 5, 22), 5, date(2026, 6, 1)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas 2026
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # across Christmas and New Year
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Thursday before Easter 2027
        (date(2027, 3, 25), 2, date(2027, 3, 31)),
        (date(2027, 3, 26), 1, date(2027, 3, 30)),  # received on Good Friday
    ],
)
def test_add_working_days_to_a_date(start, n, due):
    assert add_working_days(start, n) == due
    assert working_days_between(start, due) == n


def test_a_report_at_five_on_friday_counts_from_the_next_working_day():
    friday_five = datetime(2026, 5, 22, 17, 0)
    assert add_working_days(friday_five, 1) == datetime(2026, 5, 26, 17, 0)
    assert add_working_days(datetime(2026, 5, 22, 8, 0), 1) == datetime(2026, 5, 26, 8, 0)


def test_aware_datetimes_are_read_in_uk_time():
    # 23:30 UTC on Thursday 2 July is 00:30 BST on Friday 3 July, so day 1 is Monday.
    late = datetime(2026, 7, 2, 23, 30, tzinfo=UTC)
    assert add_working_days(late, 1) == datetime(2026, 7, 6, 0, 30, tzinfo=LONDON)
    assert add_working_days(late, 1).tzinfo is UTC
    # In winter UTC and UK time agree.
    assert add_working_days(datetime(2026, 1, 8, 23, 30, tzinfo=UTC), 1) == datetime(2026, 1, 9, 23, 30, tzinfo=UTC)


def test_the_wall_clock_time_is_kept_across_a_clock_change():
    # Friday 27 March 2026 in GMT; the clocks go forward on Sunday 29 March.
    received = datetime(2026, 3, 27, 10, 0, tzinfo=LONDON)
    due = add_working_days(received, 1)
    assert due == datetime(2026, 3, 30, 10, 0, tzinfo=LONDON)
    assert due.utcoffset() == timedelta(hours=1)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(date(2026, 3, 2), -1)


@pytest.mark.parametrize(
    ("start", "end", "between"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),
        (date(2026, 3, 6), date(2026, 3, 9), 1),
        (date(2026, 3, 6), date(2026, 3, 8), 0),
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 December and 4 January
        (date(2026, 3, 9), date(2026, 3, 6), -1),
    ],
)
def test_working_days_between(start, end, between):
    assert working_days_between(start, end) == between


def test_next_working_day():
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)


@pytest.mark.parametrize(
    ("received", "enhanced", "acknowledgement", "referral"),
    [
        # Monday 9:00: 5 working days is the next Monday, 1 is Tuesday, referral Wednesday.
        (datetime(2026, 3, 2, 9, 0), False, datetime(2026, 3, 9, 9, 0), datetime(2026, 3, 4, 9, 0)),
        (datetime(2026, 3, 2, 9, 0), True, datetime(2026, 3, 3, 9, 0), datetime(2026, 3, 4, 9, 0)),
        # Friday 17:00 before the spring bank holiday.
        (datetime(2026, 5, 22, 17, 0), True, datetime(2026, 5, 26, 17, 0), datetime(2026, 5, 27, 17, 0)),
        (datetime(2026, 5, 22, 17, 0), False, datetime(2026, 6, 1, 17, 0), datetime(2026, 5, 27, 17, 0)),
        # Christmas Eve 2026.
        (datetime(2026, 12, 24, 12, 0), True, datetime(2026, 12, 29, 12, 0), datetime(2026, 12, 30, 12, 0)),
        # Maundy Thursday 2027.
        (datetime(2027, 3, 25, 11, 0), False, datetime(2027, 4, 5, 11, 0), datetime(2027, 3, 31, 11, 0)),
    ],
)
def test_victims_code_deadlines(received, enhanced, acknowledgement, referral):
    deadlines = victims_code_deadlines(received, enhanced)
    assert deadlines.acknowledgement_due == acknowledgement
    assert deadlines.first_update_due == acknowledgement
    assert deadlines.support_referral_due == referral
    assert deadlines.enhanced is enhanced


@pytest.mark.parametrize(
    ("last", "enhanced", "due"),
    [
        (datetime(2026, 3, 2, 14, 0), False, datetime(2026, 3, 9, 14, 0)),
        (datetime(2026, 3, 2, 14, 0), True, datetime(2026, 3, 3, 14, 0)),
        (datetime(2026, 12, 24, 14, 0), True, datetime(2026, 12, 29, 14, 0)),
    ],
)
def test_next_update_due(last, enhanced, due):
    assert next_update_due(last, enhanced) == due


def test_enhanced_rights_categories_have_labels():
    assert [c.value for c in EnhancedRightsCategory] == [
        "most_serious_crime",
        "persistently_targeted",
        "vulnerable_or_intimidated",
        "under_18",
    ]
    assert "domestic abuse" in EnhancedRightsCategory.MOST_SERIOUS_CRIME.label
    for category in EnhancedRightsCategory:
        assert category.label


@FAST
@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(0, 40))
def test_add_and_between_agree(start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert n == 0 or is_working_day(due)
    assert due >= start


@FAST
@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(0, 20), st.integers(0, 20))
def test_adding_in_steps_is_the_same_as_adding_at_once(start, a, b):
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)


@FAST
@given(st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)))
def test_enhanced_deadlines_are_never_later(received):
    enhanced_deadlines = victims_code_deadlines(received, True)
    standard = victims_code_deadlines(received, False)
    assert received < enhanced_deadlines.acknowledgement_due <= standard.acknowledgement_due
    assert enhanced_deadlines.support_referral_due == standard.support_referral_due
