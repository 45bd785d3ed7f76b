"""`flask --app wsgi seed-demo`: synthetic reports whose repeat victims and suspects the repeat matching finds.

The seed runs once per engine for the whole module; every test reads it as seeded (`shared_ctx`).
"""

from __future__ import annotations

import secrets
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.domain.priority import Priority
from app.extensions import db
from app.models import Channel, Incident, Person, PersonRole, Report
from app.services.actor import Actor
from app.services.repeats import possible_repeats
from app.services.reports import submit_report
from app.services.sla import triage_due


@pytest.fixture(scope="module")
def seed_output(module_app) -> str:
    """Run the real command once: 400 reports, a fifth awaiting triage; returns what it printed."""
    result = module_app.test_cli_runner().invoke(args=["seed-demo", "--reports", "400", "--seed", "3",
                                                       "--awaiting", "0.2"])
    assert result.exit_code == 0, result.output
    return result.output


def _most_reported(role: PersonRole) -> tuple[tuple[str, str], list[int]]:
    """The (name, postcode) named in most reports for a role, and those reports' ids."""
    people = db.session.execute(select(Person.name, Person.postcode, Person.report_id)
                                .where(Person.role == role, Person.name.is_not(None))).all()
    counts = Counter((p.name, p.postcode) for p in people)
    identity, _ = counts.most_common(1)[0]
    return identity, sorted(p.report_id for p in people if (p.name, p.postcode) == identity)


def test_seed_demo_loads_varied_reports_with_incidents_and_due_times(seed_output, shared_ctx):
    assert "Loaded 400 reports" in seed_output
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 400
    assert {r.channel for r in reports} == set(Channel)
    assert {r.priority_rank for r in reports} == {p.rank for p in Priority}
    assert 40 < sum(r.awaiting_triage for r in reports) < 130  # about a fifth left in the queue
    assert db.session.scalar(select(func.count(Incident.id))) > 400
    # Stored due times follow the configured targets, as the queue and the overdue lists count them.
    for report in reports[:50]:
        assert report.sla_due_at == triage_due(report.queued_at, Priority(report.priority_rank))


def test_seeded_repeat_suspects_and_victims_are_found_by_the_repeat_matching(seed_output, shared_ctx):
    for role, side in ((PersonRole.SUSPECT, "suspect"), (PersonRole.VICTIM, "victim")):
        (name, _), report_ids = _most_reported(role)
        assert len(report_ids) >= 5, f"no repeat {side} in the seed"
        found = possible_repeats(report_ids[0])
        total = getattr(found, f"{side}_total")
        listed = {m.report_id for m in getattr(found, side)}
        # Every other report naming that person is found (some may also share a key by chance: never fewer).
        assert set(report_ids[1:]) <= listed and total >= len(report_ids) - 1, (side, name)
    # Prolific, not absurd: nobody is named in a large share of the history.
    assert len(_most_reported(PersonRole.SUSPECT)[1]) < 400 // 5


def test_a_new_report_about_a_seeded_suspect_matches_the_seeded_history(seed_output, shared_ctx):
    """The seed uses the app's matching key, so a real report about the same man finds the earlier ones.

    The new report only adds rows; shared_ctx deletes them afterwards, so the other tests still see 400.
    """
    (name, postcode), report_ids = _most_reported(PersonRole.SUSPECT)

    report = submit_report({"danger": "no", "suspect": {"name": name, "postcode": postcode},
                            "about_you": {"name": "Test Victim"}},
                           channel=Channel.PHONE, actor=Actor.victim(), submission_key=secrets.token_hex(16))

    found = possible_repeats(report.id)
    assert set(report_ids) <= {m.report_id for m in found.suspect}
    assert "repeat suspect" in report.priority_reasons
