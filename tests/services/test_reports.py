"""submit_report: the shared submission used by the online journey and the phone form."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Channel, Incident, Person, PersonMatchKey, Report
from app.services import reports
from app.services.actor import Actor
from tests.factories import as_actor, make_report, make_staff

ANSWERS = {
    "danger": "no",
    "behaviours": {"selected": ["violence"], "most_recent": "yesterday"},
    "incidents": [{"id": "a", "when": "about March 2025", "sort_date": "2025-03-01", "what": "Hit me"}],
    "suspect": {"name": "Alex Smith", "postcode": "NT1 2AB", "relationship": "ex_partner"},
    "about_you": {"name": "Sam Jones", "date_of_birth": "1990-01-02"},
}


def test_a_lost_race_on_the_submission_key_returns_the_first_report(app_ctx, monkeypatch):
    first = make_report(submission_key="s" * 64)
    # Simulate the second request having checked before the first committed.
    monkeypatch.setattr(reports, "_existing", lambda key, _calls=[]: (_calls.append(1), None)[1] if not _calls
                        else db.session.scalar(select(Report).where(Report.submission_key == key)))
    again = reports.submit_report(ANSWERS, channel=Channel.ONLINE, actor=Actor.victim(), submission_key="s" * 64)
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Report.id))) == 1
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_phone_report_records_who_took_it_and_computes_priority(app_ctx):
    handler = make_staff()
    report = reports.submit_report(ANSWERS, channel=Channel.PHONE, actor=as_actor(handler), submission_key="p" * 64)
    assert report.taken_by_id == handler.id and report.channel is Channel.PHONE
    # Violence yesterday: urgent, with reasons, due within the hour.
    assert report.priority_rank == 1 and "violence used" in report.priority_reasons
    assert (report.sla_due_at - report.received_at).total_seconds() == 3600
    assert db.session.scalar(select(Incident)).when_text == "about March 2025"
    assert db.session.scalar(select(func.count(PersonMatchKey.id))) >= 2


def test_repeat_suspect_raises_priority(app_ctx):
    calm = {"suspect": {"name": "Alex Smith", "postcode": "NT1 2AB"}}
    first = reports.submit_report(calm, channel=Channel.ONLINE, actor=Actor.victim(), submission_key="1" * 64)
    assert first.priority_rank == 3
    second = reports.submit_report(calm, channel=Channel.ONLINE, actor=Actor.victim(), submission_key="2" * 64)
    assert "repeat suspect" in second.priority_reasons and second.priority_rank == 2


def test_stored_triage_due_time_follows_the_configured_targets(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "SLA_MINUTES_URGENT", 30)
    report = reports.submit_report(ANSWERS, channel=Channel.ONLINE, actor=Actor.victim(), submission_key="c" * 64)
    assert report.priority_rank == 1
    assert (report.sla_due_at - report.received_at).total_seconds() == 30 * 60


def test_a_suspect_born_on_the_first_of_a_month_gets_a_date_of_birth_matching_key(app_ctx):
    """The old rule read day 1 as "no day given" and lost the key for everyone born on the 1st."""
    from datetime import date

    from app.domain.matching import keyed_hash, match_keys

    answers = {"suspect": {"name": "Dan Smith", "age_or_dob": "1 May 1980"}}
    report = reports.submit_report(answers, channel=Channel.ONLINE, actor=Actor.victim(), submission_key="d" * 64)
    suspect = db.session.scalar(select(Person).where(Person.report_id == report.id, Person.role == "suspect"))
    assert suspect.date_of_birth == date(1980, 5, 1) and suspect.age_text is None
    expected = {keyed_hash(key,
                           reports.match_secret()) for key in match_keys("Dan Smith", date(1980, 5, 1), None, None)}
    stored = set(db.session.scalars(select(PersonMatchKey.key_hash).where(PersonMatchKey.report_id == report.id)))
    assert expected and expected <= stored


def test_reports_are_stored_in_the_current_version_and_older_rows_still_read(app_ctx):
    from app.domain.answers import ANSWERS_VERSION
    from app.domain.behaviours import Behaviour

    report = reports.submit_report({"danger": "no"}, channel=Channel.ONLINE, actor=Actor.victim(),
                                   submission_key="v" * 64)
    assert report.answers_version == ANSWERS_VERSION
    older = make_report(answers={"behaviours": {"selected": ["following"], "count_following": "over 400"}},
                        answers_version=1)
    assert older.parsed_answers().behaviours.counts == ((Behaviour.FOLLOWING, "over 400"),)


def test_the_last_incident_is_counted_in_days_on_the_uk_calendar(app_ctx, monkeypatch):
    """At 00:30 BST "yesterday" is the day before the UK date, not the day before the UTC date."""
    from datetime import UTC, datetime

    from app.domain import uk_time
    from app.domain.answers import parse_answers

    monkeypatch.setattr(uk_time, "clock", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    answers = parse_answers({"behaviours": {"most_recent": "today"}})
    assert reports.days_since_last_incident(answers, uk_time.today()) == 0
    assert reports.report_facts(answers).days_since_last_incident == 0
