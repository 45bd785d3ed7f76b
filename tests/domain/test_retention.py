"""The retention policy: settings read strictly, periods counted on the calendar, words for the privacy notice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.retention import (
    DEFAULT_CASE_YEARS,
    KEEP,
    PolicyError,
    describe_years,
    parse_case_years,
    parse_years,
    policy_from_settings,
    years_before,
)


@pytest.mark.parametrize(("text", "years"), [("6", 6), (" 10 ", 10), ("0", 0), ("keep", KEEP), ("KEEP", KEEP)])
def test_years_are_whole_numbers_or_keep(text, years):
    assert parse_years(text, setting="S") == years


@pytest.mark.parametrize("text", ["", "six", "-1", "1.5", "6y", "9" * 20, "\x00", "keep forever"])
def test_anything_else_is_refused_naming_the_setting(text):
    with pytest.raises(PolicyError, match="RETENTION_X"):
        parse_years(text, setting="RETENTION_X")


def test_case_years_start_from_the_defaults_and_change_only_what_is_named():
    years = parse_case_years("no_further_action:7, charged_convicted:25,transferred:keep")
    assert years == {**DEFAULT_CASE_YEARS, "no_further_action": 7, "charged_convicted": 25, "transferred": KEEP}
    assert parse_case_years("") == dict(DEFAULT_CASE_YEARS)


@pytest.mark.parametrize("spec", ["acquitted:6", "no_further_action", "no_further_action:soon", ":6"])
def test_case_years_refuse_unknown_outcomes_and_bad_periods(spec):
    with pytest.raises(PolicyError, match="RETENTION_CASE_YEARS"):
        parse_case_years(spec)


def test_the_defaults_never_delete_a_conviction_and_keep_everything_else_six_years_or_more():
    assert DEFAULT_CASE_YEARS["charged_convicted"] is KEEP
    assert all(years is KEEP or years >= 6 for years in DEFAULT_CASE_YEARS.values())


def test_policy_from_settings_reads_every_setting():
    policy = policy_from_settings({
        "DRAFT_IDLE_MINUTES": 20, "SAVED_DRAFT_DAYS": 14, "RETENTION_NFA_REPORT_YEARS": "3",
        "RETENTION_CASE_YEARS": "no_further_action:4", "RETENTION_EVIDENCE_YEARS": "1",
        "RETENTION_AUDIT_YEARS": "keep", "AUDIT_IP_RETENTION_DAYS": 30,
    })
    assert (policy.unsent_draft_minutes, policy.saved_draft_days, policy.nfa_report_years) == (20, 14, 3)
    assert policy.case_years["no_further_action"] == 4 and policy.evidence_years == 1
    assert policy.audit_years is KEEP and policy.staff_ip_days == 30


def test_blank_evidence_years_means_with_its_record():
    assert policy_from_settings({"RETENTION_EVIDENCE_YEARS": ""}).evidence_years is None


@pytest.mark.parametrize(("setting", "value"), [("RETENTION_AUDIT_YEARS", "x"), ("AUDIT_IP_RETENTION_DAYS", "-5"),
                                                ("RETENTION_EVIDENCE_YEARS", "soon"),
                                                ("RETENTION_NFA_REPORT_YEARS", "")])
def test_a_bad_setting_is_named(setting, value):
    with pytest.raises(PolicyError, match=setting):
        policy_from_settings({setting: value})


def test_years_before_counts_calendar_years_and_copes_with_29_february():
    moment = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    assert years_before(moment, 6) == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)
    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 4) == datetime(2024, 2, 29, tzinfo=UTC)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9000, 12, 31)), st.integers(0, 500))
def test_years_before_is_never_later_and_keeps_the_time_of_day(moment, years):
    earlier = years_before(moment, years)
    assert earlier <= moment and earlier.time() == moment.time() and earlier.year == moment.year - years


def test_periods_in_words():
    assert describe_years(1) == "1 year"
    assert describe_years(6) == "6 years"
    assert "review" in describe_years(KEEP)
