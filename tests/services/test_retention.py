"""`flask --app wsgi apply-retention` with a moved clock: every kind of record goes when, and only when, it should."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from app import create_app
from app.domain import uk_time
from app.domain.retention import DEFAULT_CASE_YEARS, PolicyError
from app.domain.triage import Classification, DecisionInput
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseNote,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    Channel,
    ContactAttempt,
    Draft,
    EvidenceFile,
    Grade,
    Incident,
    NextStep,
    Person,
    PersonMatchKey,
    Referral,
    Report,
    ReportUpdate,
    RiskAssessment,
    Role,
    TriageDecision,
)
from app.services import audit, drafts, evidence, report_updates, reports, retention, triage
from app.services.actor import Actor
from app.services.casework import status as case_status
from tests.factories import as_actor, make_staff
from tests.sealed_data import fill_every_sealed_column
from tests.web.cases.helpers import make_case, make_officer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
# A margin either side of a period: calendar years and 365.25-day years differ by a day or so.
DAY = timedelta(days=3)


def _years(n: int) -> timedelta:
    return timedelta(days=round(365.25 * n))


@pytest.fixture
def clock(monkeypatch):
    """Move the one clock: `clock.move(delta)` from the moment the test started."""
    start = uk_time.utcnow()

    class Clock:
        def move(self, delta: timedelta) -> None:
            monkeypatch.setattr(uk_time, "clock", lambda: start + delta)

        def at(self, moment) -> None:
            monkeypatch.setattr(uk_time, "clock", lambda: moment)

    return Clock()


def apply(app) -> dict[str, int]:
    """Run the command as cron would; returns the counts its audit summary recorded."""
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["apply-retention", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    summary = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.applied")
                                 .order_by(AuditEvent.id.desc())).first()
    return summary.details["counts"]


def _png(name: str = "photo.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(PNG), filename=name, content_type="image/png")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _stored(keys: list[str]) -> list[bool]:
    """Whether each file's sealed bytes are still kept, in whichever store holds them."""
    from app.models.evidence import EvidenceChunk
    from app.services.evidence import storage

    orphans = db.session.scalar(select(func.count()).select_from(EvidenceChunk).where(
        EvidenceChunk.file_id.not_in(select(EvidenceFile.id))))
    assert orphans == 0, "chunks outlived their file"
    in_database = set(db.session.scalars(select(EvidenceFile.storage_key).join(
        EvidenceChunk, EvidenceChunk.file_id == EvidenceFile.id).where(EvidenceFile.storage_key.in_(keys))))
    return [key in in_database or storage.file_path(key).exists() for key in keys]


def _nfa_report(handler, key: str = "n") -> tuple[int, list[str]]:
    """A report with people, an incident, an update with a file, closed at triage with no further action."""
    report = reports.submit_report(
        {"incidents": [{"id": "a", "when": "May", "what": "Followed me"}],
         "suspect": {"name": "Dana Roe", "postcode": "NT1 2AB"}, "about_you": {"name": "Kim Poe"}},
        channel=Channel.PHONE, actor=as_actor(handler), submission_key=key * 64)
    report_updates.add_to_report(report.id, None, [_png()])
    db.session.refresh(report)
    decision = DecisionInput(grade=Grade.SCHEDULED, classifications=(Classification.NO_OFFENCE,),
                             next_step=NextStep.NO_FURTHER_ACTION, rationale="Neighbour dispute, advice given")
    triage.record_decision(report.id, as_actor(handler), decision, seen_version=report.version,
                           seen_update_id=triage.latest_update_id(report.id))
    keys = list(db.session.scalars(select(EvidenceFile.storage_key).where(EvidenceFile.report_id == report.id)))
    return report.id, keys


def test_unsent_drafts_go_after_the_idle_time(app_ctx, clock):
    draft, _ = drafts.start_draft()
    draft_id = draft.id
    clock.move(timedelta(minutes=29))
    assert apply(app_ctx)["unsent_drafts"] == 0 and db.session.get(Draft, draft_id) is not None
    clock.move(timedelta(minutes=31))
    assert apply(app_ctx)["unsent_drafts"] == 1 and db.session.get(Draft, draft_id) is None


def test_saved_drafts_go_on_the_day_the_person_was_told_with_their_files(app_ctx, clock):
    draft, _ = drafts.start_draft()
    evidence.add_to_draft(draft.id, [_png()])
    db.session.commit()
    saved = drafts.save_for_later(draft, "a long passphrase")
    draft_id = draft.id
    keys = list(db.session.scalars(select(EvidenceFile.storage_key)))
    assert _stored(keys) == [True]
    clock.at(saved.expires_at - timedelta(minutes=1))
    counts = apply(app_ctx)
    assert counts["saved_drafts"] == 0 and counts["unsent_drafts"] == 0 and db.session.get(Draft, draft_id)
    clock.at(saved.expires_at + timedelta(minutes=1))
    assert apply(app_ctx)["saved_drafts"] == 1
    assert db.session.get(Draft, draft_id) is None and _count(EvidenceFile) == 0 and _stored(keys) == [False]


def test_reports_closed_at_triage_go_six_years_after_closing_with_everything_they_hold(app_ctx, clock):
    handler = make_staff(role=Role.CALL_HANDLER)
    report_id, keys = _nfa_report(handler)
    waiting = reports.submit_report({"suspect": {"name": "Dana Roe"}}, channel=Channel.ONLINE, actor=Actor.victim(),
                                    submission_key="w" * 64).id
    assert _stored(keys) == [True]
    clock.move(_years(6) - DAY)
    assert apply(app_ctx)["nfa_reports"] == 0 and db.session.get(Report, report_id) is not None
    clock.move(_years(6) + DAY)
    assert apply(app_ctx)["nfa_reports"] == 1
    assert db.session.get(Report, report_id) is None
    for model in (Incident, ReportUpdate, TriageDecision, EvidenceFile):
        assert _count(model) == 0, model
    # The report still awaiting triage is never "closed": it and its people stay.
    assert db.session.get(Report, waiting) is not None
    assert set(db.session.scalars(select(Person.report_id))) == {waiting}
    assert set(db.session.scalars(select(PersonMatchKey.report_id))) <= {waiting}
    assert _stored(keys) == [False]


@pytest.mark.parametrize(("outcome", "years"), [(CaseOutcome.NO_FURTHER_ACTION, 6),
                                                (CaseOutcome.CHARGED_NOT_CONVICTED, 10),
                                                (CaseOutcome.CHARGED_CONVICTED, None)])
def test_closed_cases_go_by_outcome_with_their_records_and_reports(app_ctx, clock, outcome, years):
    filled = fill_every_sealed_column()  # a case closed with no further action, full of casework
    case = db.session.get(Case, filled.case_id)
    if outcome is not CaseOutcome.NO_FURTHER_ACTION:
        supervisor = make_officer(role=Role.SUPERVISOR)  # a supervisor corrects the recorded outcome
        case_status.change_status(case.id, as_actor(supervisor), status=CaseStatus.CLOSED, outcome=outcome,
                                  expected_version=case.version)
    notes_before = _count(CaseNote)
    assert notes_before and _count(Referral) and _count(ContactAttempt) and _count(RiskAssessment)
    kept_for = years if years is not None else 60
    clock.move(_years(kept_for) - DAY)
    assert apply(app_ctx)["cases"] == 0 and db.session.get(Case, filled.case_id) is not None
    clock.move(_years(kept_for) + DAY)
    counts = apply(app_ctx)
    if years is None:
        assert counts["cases"] == 0 and db.session.get(Case, filled.case_id) is not None  # until reviewed
        return
    assert counts["cases"] == 1 and db.session.get(Case, filled.case_id) is None
    for model in (CaseNote, Referral, ContactAttempt, RiskAssessment, CaseEvent, CaseReport):
        assert _count(model) == 0, model
    # The case's report went with it; the report once linked and then taken out of the case stays.
    assert db.session.get(Report, filled.report_id) is None
    assert db.session.get(Report, filled.second_report_id) is not None


def test_the_default_periods_cover_every_case_outcome():
    assert set(DEFAULT_CASE_YEARS) == {outcome.value for outcome in CaseOutcome}


def test_an_update_after_a_case_closed_restarts_its_clock(app_ctx, clock):
    officer = make_officer()
    handler = as_actor(make_staff(role=Role.CALL_HANDLER))
    case = make_case(owner=officer, awaiting_triage=False)
    case_id = case.id
    case_status.change_status(case_id, as_actor(officer), status=CaseStatus.CLOSED,
                              outcome=CaseOutcome.NO_FURTHER_ACTION, rationale="Moved away",
                              expected_version=case.version)
    report_id = db.session.scalar(select(CaseReport.report_id))
    clock.move(_years(5))
    report_updates.add_to_report(report_id, {"when": "Yesterday", "what": "He is back"}, [])
    clock.move(_years(6) + DAY)
    assert apply(app_ctx)["cases"] == 0  # the victim's new words wait for triage
    report = db.session.get(Report, report_id)
    triage.record_decision(report_id, handler, DecisionInput(
        grade=Grade.SCHEDULED, classifications=(Classification.STALKING_S2A,), next_step=NextStep.OFFICER_POOL),
        seen_version=report.version, seen_update_id=triage.latest_update_id(report_id))
    clock.move(_years(10))
    assert apply(app_ctx)["cases"] == 0  # triaged back to the case at year 6: its clock starts again
    assert db.session.get(Case, case_id) is not None and db.session.get(Report, report_id) is not None
    clock.move(_years(13))
    assert apply(app_ctx)["cases"] == 1 and db.session.get(Report, report_id) is None


def test_a_report_in_two_cases_stays_while_the_other_case_lives(app_ctx, clock):
    officer = make_officer()
    closed = make_case(owner=officer, awaiting_triage=False).id
    open_case = make_case(owner=officer, awaiting_triage=False).id
    shared = db.session.scalar(select(CaseReport.report_id).where(CaseReport.case_id == closed))
    db.session.add(CaseReport(case_id=open_case, report_id=shared, linked_at=uk_time.utcnow()))
    db.session.commit()
    case_status.change_status(closed, as_actor(officer), status=CaseStatus.CLOSED,
                              outcome=CaseOutcome.NO_FURTHER_ACTION, rationale="Linked elsewhere",
                              expected_version=db.session.get(Case, closed).version)
    clock.move(_years(6) + DAY)
    assert apply(app_ctx)["cases"] == 1
    assert db.session.get(Case, closed) is None and db.session.get(Report, shared) is not None


def test_evidence_can_go_sooner_than_its_record(app_ctx, clock, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "RETENTION_EVIDENCE_YEARS", "1")
    handler = make_staff(role=Role.CALL_HANDLER)
    report_id, keys = _nfa_report(handler)
    officer = make_officer()
    live = make_case(owner=officer, awaiting_triage=False)
    live_report = db.session.scalar(select(CaseReport.report_id).where(CaseReport.case_id == live.id))
    report_updates.add_to_report(live_report, None, [_png("live.png")])
    live_keys = list(db.session.scalars(select(EvidenceFile.storage_key)
                                        .where(EvidenceFile.report_id == live_report)))
    clock.move(_years(1) - DAY)
    assert apply(app_ctx)["evidence"] == 0
    clock.move(_years(1) + DAY)
    counts = apply(app_ctx)
    assert counts["evidence"] == 1 and counts["nfa_reports"] == 0
    assert db.session.get(Report, report_id) is not None and _stored(keys) == [False]
    assert _stored(live_keys) == [True]  # its case is still open
    assert set(db.session.scalars(select(EvidenceFile.report_id))) == {live_report}


def test_by_default_evidence_goes_with_its_record(app_ctx, clock):
    handler = make_staff(role=Role.CALL_HANDLER)
    _, keys = _nfa_report(handler)
    clock.move(_years(3))
    assert apply(app_ctx)["evidence"] == 0 and _stored(keys) == [True]


def test_staff_addresses_are_cleared_after_the_configured_days_and_the_event_stays(app_ctx, clock):
    officer = make_officer()
    officer_id = officer.id
    audit.record(Actor.staff(officer, "198.51.100.9"), "case.viewed", "case", 1)
    db.session.commit()
    clock.move(timedelta(days=89))
    assert apply(app_ctx)["staff_ip_addresses"] == 0
    assert db.session.scalar(select(AuditEvent.ip_address).where(AuditEvent.action == "case.viewed")) \
        == "198.51.100.9"
    clock.move(timedelta(days=91))
    assert apply(app_ctx)["staff_ip_addresses"] == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.viewed"))
    assert event.ip_address is None and event.actor_id == officer_id


def test_audit_events_go_after_six_years_but_the_runs_own_summary_stays(app_ctx, clock):
    for i in range(5):
        audit.record(Actor.system("cli"), "demo.seed", "report", i)
    db.session.commit()
    clock.move(_years(6) - DAY)
    assert apply(app_ctx)["audit_events"] == 0
    clock.move(_years(6) + DAY)
    assert apply(app_ctx)["audit_events"] == 5
    assert db.session.scalars(select(AuditEvent.action)).all() == ["retention.applied", "retention.applied"]


def test_running_twice_changes_nothing_more_and_each_run_writes_one_summary(app_ctx, clock):
    handler = make_staff(role=Role.CALL_HANDLER)
    _nfa_report(handler, "a")
    _nfa_report(handler, "b")
    drafts.start_draft()
    clock.move(_years(7))
    first = apply(app_ctx)
    assert first["nfa_reports"] == 2 and first["unsent_drafts"] == 1
    second = apply(app_ctx)
    assert set(second.values()) == {0}
    summaries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.applied")).all()
    assert len(summaries) == 2 and all(s.actor_label == "cli" and s.ip_address is None for s in summaries)
    assert summaries[0].details["policy"]["nfa_report_years"] == 6
    assert "Followed me" not in repr([s.details for s in summaries])


def test_only_one_run_at_a_time(app_ctx):
    if db.engine.dialect.name != "postgresql":
        with retention.single_run() as go:
            assert go  # SQLite has one writer: runs simply queue
        return
    with db.engine.connect() as other:
        assert other.scalar(text("SELECT pg_try_advisory_lock(:id)"), {"id": retention.RUN_LOCK_ID})
        result = app_ctx.test_cli_runner().invoke(args=["apply-retention"])
        other.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": retention.RUN_LOCK_ID})
        other.commit()
    assert result.exit_code == 0 and "Another retention run is in progress" in result.output
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.applied")) is None


def test_a_setting_that_cannot_be_read_stops_the_command_and_the_app(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "RETENTION_CASE_YEARS", "acquitted:3")
    result = app_ctx.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code != 0 and "RETENTION_CASE_YEARS" in result.output
    with pytest.raises(PolicyError, match="RETENTION_AUDIT_YEARS"):
        create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://", "RETENTION_AUDIT_YEARS": "ever"})


def test_the_privacy_notice_shows_the_periods_the_command_applies(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "RETENTION_NFA_REPORT_YEARS", "7")
    monkeypatch.setitem(client.application.config, "RETENTION_CASE_YEARS", "charged_convicted:30")
    page = client.get("/privacy").get_data(as_text=True)
    assert "A report we close with no further action</th>" in page and "7 years after it is closed" in page
    assert "charged: convicted</th>" in page and "30 years after it is closed" in page
    assert "Deleted after 30 minutes without activity" in page
    assert "We do not record your internet (IP) address" in page
