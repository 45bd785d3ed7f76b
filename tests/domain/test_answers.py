"""The answers' typed form: any stored version reads, nothing hostile is trusted, and dates keep their precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.answers import (
    ANSWERS_VERSION,
    Answers,
    ContactSafety,
    Frequency,
    YesNo,
    parse_answers,
    upgrade,
)
from app.domain.approx_dates import Precision, parse_date
from app.domain.behaviours import Behaviour
from app.domain.criteria import Occasions, Relationship

TODAY = date(2026, 12, 2)


def test_nothing_given_reads_as_nothing_provided():
    answers = parse_answers({})
    assert answers == Answers()
    assert answers.criteria_answers().occasions is Occasions.NOT_SURE
    assert answers.criteria_answers().relationship is Relationship.NOT_KNOWN


def test_a_whole_report_reads_into_its_sections():
    answers = parse_answers({
        "danger": "no",
        "reporter": {"role": "on_behalf", "relationship": "Her brother", "victim_knows": "no"},
        "criteria": {"occasions": "more", "unwanted": "yes", "feelings": ["afraid_of_violence", "anxious"]},
        "behaviours": {"selected": ["following", "loitering"], "frequency": "daily", "increasing": "yes",
                       "counts": {"following": "about 20", "loitering": ""}},
        "incidents": [{"id": "a1", "when": "3 March 2025", "sort_date": "2025-03-03", "what": "He followed me"}],
        "suspect": {"relationship": "ex_partner", "name": "Dan Smith", "other_names": "Danny, DS",
                    "age_or_dob": "1 May 1980"},
        "children": {"in_household": "yes", "children_used": "yes"},
        "orders": {"orders": ["non_molestation"], "broken": "yes"},
        "about_you": {"name": "Ann", "date_of_birth": "1985-03-27", "withhold_address": True, "address": "1 Road"},
        "contact": {"safe": "some_ways", "ways": ["call", "text"], "voicemail": "no"},
        "declaration": True,
    })
    assert answers.reporter.is_third_party
    assert answers.behaviours.frequency is Frequency.DAILY
    assert answers.behaviours.counts == ((Behaviour.FOLLOWING, "about 20"),)  # a blank count is not a count
    assert answers.incidents[0].sort_date == date(2025, 3, 3)
    assert answers.suspect.aliases == ("Danny", "DS")
    assert answers.suspect.date_of_birth == date(1980, 5, 1)
    assert answers.children.children_used is YesNo.YES
    assert answers.about_you.address == ""  # withheld as unsafe: never read back
    assert answers.contact.safe is ContactSafety.SOME_WAYS
    assert answers.criteria_answers().order_broken
    assert answers.declaration


def test_unknown_codes_and_wrong_types_are_dropped_not_trusted():
    answers = parse_answers({
        "danger": ["yes"], "reporter": "me", "criteria": {"occasions": "lots", "feelings": "anxious"},
        "behaviours": {"selected": ["following", "teleporting", 3], "counts": ["following"]},
        "incidents": [None, "x", {"when": 12, "what": "ok"}],
        "contact": {"safe": True, "ways": "call"}, "declaration": "yes",
    })
    assert answers.danger is None and answers.reporter.role is None
    assert answers.criteria.occasions is None and answers.criteria.feelings == ()
    assert answers.behaviours.selected == (Behaviour.FOLLOWING,) and answers.behaviours.counts == ()
    assert [i.what for i in answers.incidents] == ["ok"] and answers.incidents[0].when == ""
    assert answers.contact.safe is None and answers.contact.ways == ()
    assert not answers.declaration


def test_version_one_counts_move_under_counts():
    stored = {"behaviours": {"selected": ["following"], "count_following": "over 400"}}
    upgraded = upgrade(stored, 1)
    assert upgraded["behaviours"] == {"selected": ["following"], "counts": {"following": "over 400"}}
    assert parse_answers(stored, 1).behaviours.counts == ((Behaviour.FOLLOWING, "over 400"),)
    # The current version is read as it is.
    assert upgrade(stored, ANSWERS_VERSION) == stored


def test_the_typed_form_round_trips_through_the_stored_shape():
    answers = parse_answers({"behaviours": {"selected": ["following"], "counts": {"following": "20"}},
                             "suspect": {"name": "Dan"}, "about_you": {"date_of_birth": "1985-03-27"}})
    assert parse_answers(answers.to_dict()) == answers


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=30))
def test_any_stored_value_reads_without_failing(raw):
    parse_answers({"behaviours": raw, "incidents": raw, "suspect": raw, "contact": raw} if raw else {})
    parse_answers(raw if isinstance(raw, dict) else {})


# A suspect's date of birth is kept (and gets a matching key) only when the words give a whole date.
@pytest.mark.parametrize(("text", "dob"), [
    ("1 May 1980", date(1980, 5, 1)),  # the 1st of a month is a whole date (the old rule lost it)
    ("01/05/1980", date(1980, 5, 1)),
    ("1st March 1985", date(1985, 3, 1)),
    ("1985-03-01", date(1985, 3, 1)),
    ("27 3 1985", date(1985, 3, 27)),
    ("March 1985", None),  # a month only
    ("1985", None),  # a year only
    ("about 40", None),  # an age
    ("summer 1985", None),
    ("", None),
])
def test_suspect_date_of_birth_needs_a_whole_date(text, dob):
    assert parse_answers({"suspect": {"age_or_dob": text}}).suspect.date_of_birth == dob


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("1 May 1980", date(1980, 5, 1), Precision.DAY),
    ("1/5/80", date(1980, 5, 1), Precision.DAY),
    ("May 1st 1980", date(1980, 5, 1), Precision.DAY),
    ("May 1980", date(1980, 5, 1), Precision.MONTH),
    ("about March 2025", date(2025, 3, 1), Precision.MONTH),
    ("summer 2024", date(2024, 6, 1), Precision.SEASON),
    ("2023", date(2023, 1, 1), Precision.YEAR),
    ("yesterday", date(2026, 12, 1), Precision.DAY),
    ("2 weeks ago", date(2026, 11, 18), Precision.WEEK),
    ("last month", date(2026, 11, 1), Precision.MONTH),
    ("last summer", date(2026, 6, 1), Precision.SEASON),
])
def test_a_date_keeps_how_precise_the_words_were(text, expected, precision):
    parsed = parse_date(text, TODAY)
    assert parsed is not None and (parsed.date, parsed.precision) == (expected, precision)


@pytest.mark.parametrize("text", ["31 February 2025", "99999 days ago", "1 May 99999999999999999999", "x" * 500])
def test_impossible_or_huge_dates_read_as_none(text):
    assert parse_date(text, TODAY) is None
