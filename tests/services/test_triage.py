"""Triage use cases: claims under two handlers, the stale-update check, decisions, repeats and the audit trail."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.domain.triage import Classification, DecisionInput, decision_problems
from app.extensions import db
from app.models import (
    AuditEvent,
    Grade,
    NextStep,
    Person,
    PersonMatchKey,
    PersonRole,
    Report,
    ReportStatus,
    ReportUpdate,
    Role,
    TriageDecision,
)
from app.models.types import utcnow
from app.services import triage
from app.services.errors import Conflict, ServiceError
from app.services.repeats import possible_repeats
from app.services.triage import ClaimedByOther, StaleReport
from tests.factories import as_actor, make_report, make_staff

POOL = DecisionInput(grade=Grade.PRIORITY, classifications=(Classification.STALKING_S2A,),
                     next_step=NextStep.OFFICER_POOL, thrive={"threat": "Ex-partner, fixated", "risk": "High"})


def _handlers():
    return make_staff(role=Role.CALL_HANDLER, name="Alex Morgan"), make_staff(role=Role.CALL_HANDLER, name="Bo Lee")


def _decide(report, handler, decision=POOL, **kwargs):
    kwargs.setdefault("seen_version", report.version)
    kwargs.setdefault("seen_update_id", triage.latest_update_id(report.id))
    return triage.record_decision(report.id, as_actor(handler), decision, **kwargs)


def test_first_handler_claims_and_the_second_is_told_who_has_it(app_ctx):
    alex, bo = _handlers()
    report = make_report()

    triage.claim_report(report.id, as_actor(alex))
    with pytest.raises(ClaimedByOther) as refused:
        triage.claim_report(report.id, as_actor(bo))

    assert refused.value.holder == "A. Morgan"
    assert str(refused.value).startswith("Opened by A. Morgan at ")
    db.session.refresh(report)
    assert report.claimed_by_id == alex.id
    # Re-opening your own claim renews it.
    assert triage.claim_report(report.id, as_actor(alex)).claimed_by_id == alex.id


def test_an_abandoned_claim_expires_and_can_be_taken(app_ctx):
    alex, bo = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex), now=utcnow() - timedelta(minutes=21))  # default claim: 20 minutes

    triage.claim_report(report.id, as_actor(bo))

    db.session.refresh(report)
    assert report.claimed_by_id == bo.id


def test_claims_under_two_simultaneous_handlers(app, app_ctx, engine_name):
    """PostgreSQL: two connections at once; the second waits on the row lock, then sees the claim. SQLite serialises."""
    alex, bo = _handlers()
    report = make_report()
    report_id, alex_id = report.id, alex.id
    alex_as, bo_as = as_actor(alex), as_actor(bo)
    if engine_name == "sqlite":
        outcomes = []
        for handler in (alex_as, bo_as):
            try:
                triage.claim_report(report_id, handler)
                outcomes.append("claimed")
            except ClaimedByOther:
                outcomes.append("refused")
        assert outcomes == ["claimed", "refused"]
        return

    first_updated = threading.Event()
    results: dict[str, str] = {}

    def first():
        # Alex's claim is made but not committed while Bo tries.
        with app.app_context():
            now = utcnow()
            db.session.execute(update(Report).where(Report.id == report_id, Report.claimed_by_id.is_(None))
                               .values(claimed_by_id=alex_id, claimed_at=now,
                                       claim_expires_at=now + timedelta(minutes=20)))
            first_updated.set()
            threading.Event().wait(0.5)
            db.session.commit()
            results["alex"] = "claimed"
            db.session.remove()

    def second():
        with app.app_context():
            first_updated.wait(5)
            try:
                triage.claim_report(report_id, bo_as)
                results["bo"] = "claimed"
            except ClaimedByOther as refused:
                results["bo"] = f"refused: {refused.holder}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results == {"alex": "claimed", "bo": "refused: A. Morgan"}
    db.session.expire_all()
    assert db.session.get(Report, report_id).claimed_by_id == alex_id


def test_decision_takes_the_report_out_of_the_queue_and_opens_a_case(app_ctx):
    from app.models.case import Case, CaseReport

    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))

    decision = _decide(report, alex)

    db.session.refresh(report)
    assert not report.awaiting_triage and report.status is ReportStatus.WITH_OFFICER
    assert report.claimed_by_id is None
    assert decision.grade is Grade.PRIORITY and decision.classifications == ["s2A"]
    assert decision.thrive["threat"] == "Ex-partner, fixated" and decision.thrive["harm"] == ""
    link = db.session.scalar(select(CaseReport).where(CaseReport.report_id == report.id))
    assert link is not None and db.session.get(Case, link.case_id).owner_id is None


def test_named_officer_decision_gives_them_the_case(app_ctx):
    from app.models.case import Case, CaseReport

    alex, _ = _handlers()
    veo = make_staff(role=Role.OFFICER, is_veo=True)
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))

    _decide(report, alex, DecisionInput(grade=Grade.SCHEDULED, classifications=(Classification.STALKING_S4A,),
                                        next_step=NextStep.NAMED_OFFICER, assigned_to_id=veo.id))

    link = db.session.scalar(select(CaseReport).where(CaseReport.report_id == report.id))
    assert db.session.get(Case, link.case_id).owner_id == veo.id


def test_no_further_action_closes_the_report_without_a_case(app_ctx):
    from app.models.case import CaseReport

    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))

    _decide(report, alex, DecisionInput(grade=Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
                                        classifications=(Classification.NO_OFFENCE,),
                                        next_step=NextStep.NO_FURTHER_ACTION, rationale="Neighbour dispute, advice"))

    db.session.refresh(report)
    assert report.status is ReportStatus.CLOSED and not report.awaiting_triage
    assert db.session.scalar(select(CaseReport).where(CaseReport.report_id == report.id)) is None


def test_refer_only_opens_a_case_so_the_referral_is_tracked(app_ctx):
    from app.models.case import Case, CaseEvent, CaseReport

    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))
    _decide(report, alex, DecisionInput(grade=Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
                                        classifications=(Classification.HARASSMENT_S2,),
                                        harassment_reason="One-off neighbour dispute, no stalking behaviours",
                                        next_step=NextStep.REFER_ONLY))
    db.session.refresh(report)
    assert report.status is ReportStatus.WITH_OFFICER
    link = db.session.scalar(select(CaseReport).where(CaseReport.report_id == report.id))
    assert db.session.get(Case, link.case_id).owner_id is None
    assert "referral only" in db.session.scalar(select(CaseEvent.summary).where(CaseEvent.kind == "opened"))


def test_an_update_on_a_report_already_in_a_case_goes_back_to_that_case(app_ctx):
    from app.models.case import Case, CaseEvent, CaseReport

    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))
    _decide(report, alex)
    case_id = db.session.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id))

    # The victim adds to the report; it comes back to the queue and is triaged again.
    db.session.add(ReportUpdate(report_id=report.id, answers={"message": "He was outside again"}))
    report.awaiting_triage, report.queued_at = True, utcnow()
    db.session.commit()
    triage.claim_report(report.id, as_actor(alex))
    _decide(report, alex)

    assert db.session.scalar(select(func.count(Case.id))) == 1
    assert db.session.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id)) == case_id
    assert db.session.scalar(select(CaseEvent.kind).where(CaseEvent.kind == "update_triaged")) == "update_triaged"
    db.session.refresh(report)
    assert not report.awaiting_triage and report.status is ReportStatus.WITH_OFFICER


def test_a_decision_on_a_report_that_changed_underneath_is_refused(app_ctx):
    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))
    seen_version, seen_update = report.version, triage.latest_update_id(report.id)
    # The victim adds to the report while Alex reads it.
    db.session.add(ReportUpdate(report_id=report.id, answers={"message": "He came back last night"}))
    report.queued_at = utcnow()
    db.session.commit()

    with pytest.raises(StaleReport):
        _decide(report, alex, seen_version=seen_version, seen_update_id=seen_update)

    db.session.refresh(report)
    assert report.awaiting_triage
    assert db.session.scalar(select(TriageDecision.id)) is None
    # Having seen the update, Alex can decide.
    _decide(report, alex)
    assert db.session.scalar(select(ReportUpdate.triaged)) is True


def test_an_update_row_alone_also_counts_as_a_change(app_ctx):
    alex, _ = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))
    seen = triage.latest_update_id(report.id)
    db.session.add(ReportUpdate(report_id=report.id, answers={}))
    db.session.commit()

    with pytest.raises(StaleReport):
        _decide(report, alex, seen_update_id=seen)


def test_someone_else_holding_the_claim_cannot_be_overwritten(app_ctx):
    alex, bo = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))

    with pytest.raises(ClaimedByOther):
        _decide(report, bo)
    _decide(report, alex)
    with pytest.raises(Conflict, match="already been triaged"):
        _decide(report, alex)


@pytest.mark.parametrize(("decision", "field"), [
    (DecisionInput(Grade.PRIORITY, (), NextStep.OFFICER_POOL), "classifications"),
    (DecisionInput(Grade.PRIORITY, (Classification.HARASSMENT_S2,), NextStep.OFFICER_POOL), "harassment_reason"),
    (DecisionInput(Grade.PRIORITY, (Classification.HARASSMENT_S4, Classification.OTHER_OFFENCE),
                   NextStep.OFFICER_POOL), "harassment_reason"),
    (DecisionInput(Grade.PRIORITY, (Classification.NO_OFFENCE, Classification.STALKING_S2A), NextStep.REFER_ONLY),
     "classifications"),
    (DecisionInput(Grade.PRIORITY, (Classification.STALKING_S2A,), NextStep.NAMED_OFFICER), "assigned_to"),
    (DecisionInput(Grade.SCHEDULED, (Classification.NO_OFFENCE,), NextStep.NO_FURTHER_ACTION), "rationale"),
])
def test_decision_rules(decision, field):
    assert field in decision_problems(decision)


@pytest.mark.parametrize("decision", [
    POOL,
    DecisionInput(Grade.PRIORITY, (Classification.HARASSMENT_S2,), NextStep.OFFICER_POOL,
                  harassment_reason="Neighbours' noise complaints, no fixation"),
    DecisionInput(Grade.PRIORITY, (Classification.HARASSMENT_S2, Classification.STALKING_S2A), NextStep.OFFICER_POOL),
    DecisionInput(Grade.SCHEDULED, (Classification.NO_OFFENCE,), NextStep.NO_FURTHER_ACTION, rationale="Advice"),
    DecisionInput(Grade.SCHEDULED, (Classification.NON_CRIME_DOMESTIC,), NextStep.REFER_ONLY),
])
def test_complete_decisions_pass_the_rules(decision):
    assert decision_problems(decision) == {}


def test_the_service_re_checks_the_rules_and_the_named_officer(app_ctx):
    alex, bo = _handlers()
    report = make_report()
    triage.claim_report(report.id, as_actor(alex))

    with pytest.raises(ServiceError, match="harassment rather than stalking"):
        _decide(report, alex, DecisionInput(Grade.PRIORITY, (Classification.HARASSMENT_S2,), NextStep.OFFICER_POOL))
    with pytest.raises(ServiceError, match="active officer"):
        _decide(report, alex, DecisionInput(Grade.PRIORITY, (Classification.STALKING_S2A,), NextStep.NAMED_OFFICER,
                                            assigned_to_id=bo.id))


def test_views_claims_and_decisions_are_audited(app_ctx):
    alex, _ = _handlers()
    report = make_report()

    triage.view_report(report.id, as_actor(alex), purpose="triage")
    triage.claim_report(report.id, as_actor(alex))
    _decide(report, alex)

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.record_type == "report",
                                                         AuditEvent.record_id == report.id)
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events if e.action.startswith(("report.", "triage."))] == [
        "report.view", "triage.claim", "triage.decision"]
    decision_event = events[-1] if events[-1].action == "triage.decision" else \
        next(e for e in events if e.action == "triage.decision")
    assert decision_event.details["grade"] == "priority" and decision_event.details["next_step"] == "officer_pool"
    # Structured details only: no THRIVE free text in the audit trail.
    assert "Ex-partner" not in str([e.details for e in events])


def _person(report, role, *key_hashes):
    person = Person(report_id=report.id, role=role, name="x")
    db.session.add(person)
    db.session.flush()
    for key_hash in key_hashes:
        db.session.add(PersonMatchKey(person_id=person.id, report_id=report.id, role=role, key_hash=key_hash))
    db.session.commit()


def test_possible_repeats_match_the_same_suspect_or_victim_by_keyed_hash(app_ctx):
    this, same_suspect, same_suspect_too, same_victim, victim_key_as_suspect, unrelated = (
        make_report() for _ in range(6))
    _person(this, PersonRole.SUSPECT, "s-name-dob", "s-name-postcode")
    _person(this, PersonRole.VICTIM, "v-name-dob")
    _person(same_suspect, PersonRole.SUSPECT, "s-name-dob")
    _person(same_suspect_too, PersonRole.SUSPECT, "s-name-postcode", "s-name-dob")
    _person(same_victim, PersonRole.VICTIM, "v-name-dob")
    # The same key in another role is not a match: a victim is not their own suspect.
    _person(victim_key_as_suspect, PersonRole.SUSPECT, "v-name-dob")
    _person(unrelated, PersonRole.SUSPECT, "someone-else")

    repeats = possible_repeats(this.id)

    assert {m.report_id for m in repeats.suspect} == {same_suspect.id, same_suspect_too.id}
    assert repeats.suspect_total == 2
    assert [m.report_id for m in repeats.victim] == [same_victim.id]
    assert repeats.victim[0].reference == same_victim.reference
