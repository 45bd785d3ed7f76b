"""Victims' Code timers on the UK clock, picking up, supervisors' lists, link suggestions from every report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.working_days import add_working_days
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseStatus,
    NextStep,
    Person,
    PersonMatchKey,
    PersonRole,
    Referral,
    ReferralConsent,
    ReferralStatus,
    Report,
    Role,
)
from app.services import errors, staff_directory
from app.services.casework import case_page, claims, contacts, links, lists, status, supervision
from app.services.casework.claims import AlreadyClaimed
from app.services.casework.victims_code import Timer, case_timers
from tests.factories import as_actor, make_report
from tests.web.cases.helpers import make_case, make_officer

WED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday in GMT, no bank holidays that week


def _case(**fields) -> Case:
    """A transient case with the timer fields set (enhanced rights not recorded: the shorter deadlines)."""
    return Case(**{"update_due_from": WED, "enhanced_rights": True, "enhanced_rights_recorded_at": None,
                   "acknowledged_at": None, "last_victim_update_at": None, **fields})


def _timers(case: Case, now: datetime, referrals: list[Referral] | None = None) -> dict[str, Timer]:
    return {t.key: t for t in case_timers(case, WED, referrals or [], now)}


# --- Victims' Code timers ----------------------------------------------------------------------------------

def test_news_is_due_within_one_working_day_with_enhanced_rights_and_five_without(app_ctx):
    assert _timers(_case(), WED)["victim_update"].due_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    standard = _case(enhanced_rights=False, enhanced_rights_recorded_at=WED)
    assert _timers(standard, WED)["victim_update"].due_at == datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    assert _timers(standard, WED)["acknowledgement"].due_at == datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    assert _timers(standard, WED)["support_referral"].due_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_an_update_moves_the_next_update_due_date_on(app_ctx, monkeypatch):
    updated = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    case = _case(last_victim_update_at=updated)
    timer = _timers(case, updated)["victim_update"]
    # Updated since the news: the next regular update is due 5 working days after the update.
    assert (timer.due_at, timer.last_at, timer.done) == (datetime(2026, 12, 10, 9, 0, tzinfo=UTC), updated, False)
    monkeypatch.setitem(app_ctx.config, "VICTIM_UPDATE_EVERY_WORKING_DAYS", 10)
    assert _timers(case, updated)["victim_update"].due_at == datetime(2026, 12, 17, 9, 0, tzinfo=UTC)
    monkeypatch.setitem(app_ctx.config, "VICTIM_UPDATE_EVERY_WORKING_DAYS", 5)
    # New news after the update (a status change on Friday): due within 1 working day of it, on Monday.
    case.update_due_from = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert _timers(case, updated)["victim_update"].due_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_overdue_timers_come_first_then_the_soonest_due(app_ctx):
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # acknowledgement and update were due at 10:00 today
    keys = [t.key for t in case_timers(_case(), WED, [], now)]
    assert keys == ["acknowledgement", "victim_update", "support_referral"]
    acknowledged = _case(acknowledged_at=datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    timers = case_timers(acknowledged, WED, [], now)
    assert [(t.key, t.overdue(now), t.done) for t in timers] == [
        ("victim_update", True, False), ("support_referral", False, False), ("acknowledgement", False, True)]


@pytest.mark.parametrize(("partner", "consent", "status", "met"), [
    ("victim_support", ReferralConsent.GIVEN, ReferralStatus.SENT, True),
    ("paladin", ReferralConsent.GIVEN, ReferralStatus.SENT, True),
    ("paladin", ReferralConsent.REFUSED, ReferralStatus.PROPOSED, True),   # the victim may decline the offer
    ("paladin", ReferralConsent.GIVEN, ReferralStatus.PROPOSED, False),    # proposed is not yet referred
    ("marac", ReferralConsent.NOT_ASKED, ReferralStatus.SENT, False),      # safeguarding, not victim support
    ("childrens_social_care", ReferralConsent.GIVEN, ReferralStatus.SENT, False),
])  # fmt: skip
def test_which_referrals_meet_the_two_day_support_referral(app_ctx, partner, consent, status, met):
    referral = Referral(partner=partner, partner_name=partner, consent=consent, status=status, proposed_at=WED,
                        sent_at=WED + timedelta(hours=1) if status is ReferralStatus.SENT else None)
    assert _timers(_case(), WED, [referral])["support_referral"].done is met


def test_timers_are_described_on_the_uk_clock(app_ctx):
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 BST
    timer = Timer("victim_update", "Update to the victim", summer, None)
    assert timer.describe(summer - timedelta(hours=1)) == "Due by 1 Jul 2026 10:00"
    assert timer.describe(summer + timedelta(hours=1)) == "Overdue since 1 Jul 2026 10:00"
    late_evening = Timer("acknowledgement", "Written acknowledgement", summer, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    assert late_evening.describe() == "Done 2 July 2026"  # 00:30 BST is the next day in the UK


def test_recording_an_update_with_the_victim_moves_the_case_on(app_ctx):
    officer = make_officer()
    case = make_case(owner=officer)
    stored = db.session.get(Case, case.id)
    stored.update_due_from = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    db.session.commit()
    assert lists.my_cases(as_actor(officer))[0].overdue
    contacts.record_contact(case.id, as_actor(officer), channel="phone_call", outcome="no_answer", summary=None,
                            gave_update=True, acknowledgement=False, override_reason=None,
                            expected_version=stored.version)
    assert lists.my_cases(as_actor(officer))[0].overdue, "an attempt that did not reach the victim is not an update"
    contacts.record_contact(case.id, as_actor(officer), channel="phone_call", outcome="spoke_to_victim", summary=None,
                            gave_update=True, acknowledgement=True, override_reason=None,
                            expected_version=db.session.get(Case, case.id).version)
    row = lists.my_cases(as_actor(officer))[0]
    update = next(t for t in row.timers if t.key == "victim_update")
    stored = db.session.get(Case, case.id)
    assert update.last_at == stored.last_victim_update_at
    assert update.due_at == add_working_days(stored.last_victim_update_at, 5)
    assert not update.overdue() and stored.acknowledged_at is not None


# --- picking up and reassigning ------------------------------------------------------------------------------

def test_picking_up_moves_a_new_case_to_in_progress(app_ctx):
    officer = make_officer(name="Pat Officer")
    first, second = make_case(priority_rank=1), make_case(priority_rank=2)
    assert db.session.get(Case, first.id).status is CaseStatus.NEW
    claimed = claims.claim_case(first.id, as_actor(officer))
    assert (claimed.status, claimed.owner_id) == (CaseStatus.IN_PROGRESS, officer.id)
    assert claims.claim_next(as_actor(officer)).id == second.id
    assert db.session.get(Case, second.id).status is CaseStatus.IN_PROGRESS
    events = db.session.scalars(select(CaseEvent.summary).where(CaseEvent.case_id == first.id)
                                .order_by(CaseEvent.id)).all()
    assert events[-2:] == ["Picked up by Pat Officer", "Status changed from new to in progress (picked up)"]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.claimed",
                                                       AuditEvent.record_id == first.id))
    assert audit.details == {"status_from": "new", "status_to": "in_progress"}


def test_a_case_returned_to_the_pool_keeps_its_status_when_picked_up_again(app_ctx):
    supervisor = make_officer(role=Role.SUPERVISOR)
    case = make_case()
    first = make_officer()
    claims.claim_case(case.id, as_actor(first))
    status.change_status(case.id, as_actor(first), status=CaseStatus.AWAITING_CHARGE_DECISION,
                        expected_version=db.session.get(Case, case.id).version)
    supervision.reassign(case.id, as_actor(supervisor), officer_id=None, expected_version=db.session.get(Case,
                                                                                                         case.id).version)
    assert claims.claim_case(case.id, as_actor(make_officer())).status is CaseStatus.AWAITING_CHARGE_DECISION


def test_a_case_opened_for_a_named_officer_is_already_in_progress(app_ctx):
    assert make_case(owner=make_officer()).status is CaseStatus.IN_PROGRESS
    assert make_case().status is CaseStatus.NEW


def test_a_lost_race_says_when_on_the_uk_clock(app_ctx):
    winner = make_officer(name="Alice Winner")
    case = make_case()
    claims.claim_case(case.id, as_actor(winner))
    stored = db.session.get(Case, case.id)
    stored.claimed_at = datetime(2026, 7, 1, 13, 2, tzinfo=UTC)  # 14:02 BST
    db.session.commit()
    with pytest.raises(AlreadyClaimed) as lost:
        claims.claim_case(case.id, as_actor(make_officer()))
    assert str(lost.value) == "Alice Winner picked up this case on 1 July 2026 at 2:02pm"


def test_a_supervisor_can_give_a_pool_case_to_a_veo_who_then_has_it(app_ctx):
    supervisor = make_officer(role=Role.SUPERVISOR)
    veo = make_officer(name="Val Engagement", is_veo=True)
    case = make_case()
    assert veo in staff_directory.active_officers()
    supervision.reassign(case.id, as_actor(supervisor), officer_id=veo.id, expected_version=db.session.get(Case,
                                                                                                           case.id).version)
    stored = db.session.get(Case, case.id)
    assert (stored.owner_id, stored.status) == (veo.id, CaseStatus.IN_PROGRESS)
    assert [row.case.id for row in lists.my_cases(as_actor(veo))] == [case.id]
    assert case.id not in [row.case.id for row in lists.pool()]
    summaries = db.session.scalars(select(CaseEvent.summary).where(CaseEvent.kind == "reassigned")).all()
    assert summaries == ["Reassigned to Val Engagement (Victim Engagement Officer)"]
    with pytest.raises(errors.FieldError):  # call handlers and supervisors cannot be given cases
        supervision.reassign(case.id, as_actor(supervisor), officer_id=supervisor.id, expected_version=stored.version)


# --- supervisors' view -----------------------------------------------------------------------------------------

def _set(case: Case, **fields) -> Case:
    stored = db.session.get(Case, case.id)
    for name, value in fields.items():
        setattr(stored, name, value)
    db.session.commit()
    return stored


def test_supervisor_view_counts_by_risk_and_lists_what_needs_action(app_ctx):
    officer = make_officer()
    high_pool = _set(make_case(priority_rank=3), risk_level="high")
    urgent_pool = make_case(priority_rank=1)
    high_owned = _set(make_case(owner=officer), risk_level="high")
    medium = _set(make_case(owner=officer), risk_level="medium")
    late = _set(make_case(owner=officer), risk_level="standard", update_due_from=datetime(2025, 1, 6, 9, tzinfo=UTC))
    closed = _set(make_case(owner=officer), risk_level="high", status=CaseStatus.CLOSED)
    overdue_report = make_report(awaiting_triage=True, priority_rank=1,
                                 sla_due_at=datetime(2025, 1, 6, 9, tzinfo=UTC))
    make_report(awaiting_triage=True, priority_rank=1, sla_due_at=datetime(2099, 1, 1, tzinfo=UTC))

    view = supervision.supervisor_view(as_actor(make_officer(Role.SUPERVISOR)))
    assert view.by_risk == {"high": 2, "medium": 1, "standard": 1, "not_assessed": 1}
    assert [row.case.id for row in view.unassigned_high_risk] == [high_pool.id, urgent_pool.id]
    assert [row.case.id for row in view.overdue_updates] == [late.id]
    assert [r.id for r in view.overdue_triage] == [overdue_report.id]
    open_ids = [row.case.id for row in view.open_cases]
    assert closed.id not in open_ids
    assert set(open_ids[:2]) == {high_pool.id, high_owned.id} and open_ids[2] == medium.id  # highest risk first


def test_unassigned_high_risk_is_found_beyond_the_first_page_of_open_cases(app_ctx):
    for _ in range(4):
        make_case(priority_rank=1, owner=make_officer())
    buried = _set(make_case(priority_rank=3), risk_level="high")
    view = supervision.supervisor_view(as_actor(make_officer(Role.SUPERVISOR)), limit=3)
    assert [row.case.id for row in view.unassigned_high_risk] == [buried.id]
    assert view.open_cases[0].case.id == buried.id  # highest risk first, whatever the priority


# --- refer-only cases -------------------------------------------------------------------------------------------

def test_a_refer_only_case_says_so_in_the_lists_and_on_the_page(app_ctx):
    case = make_case(next_step=NextStep.REFER_ONLY, rationale="Wants advocacy, no police action")
    other = make_case()
    rows = {row.case.id: row for row in lists.pool()}
    assert rows[case.id].referral_only and not rows[other.id].referral_only
    page = case_page.build_case_page(db.session.get(Case, case.id), as_actor(make_officer()))
    assert (page.referral_only, page.triage_rationale) == (True, "Wants advocacy, no police action")
    assert not case_page.build_case_page(db.session.get(Case, other.id), as_actor(make_officer())).referral_only


# --- suggestions ------------------------------------------------------------------------------------------------

def _suspect(report: Report, key: str) -> None:
    person = Person(report_id=report.id, role=PersonRole.SUSPECT, name="Suspect")
    db.session.add(person)
    db.session.flush()
    db.session.add(PersonMatchKey(person_id=person.id, report_id=report.id, role=PersonRole.SUSPECT, key_hash=key))
    db.session.commit()


def test_suggestions_use_the_suspect_keys_of_every_report_in_the_case(app_ctx):
    officer = make_officer()
    case = make_case(owner=officer)
    origin_id = db.session.get(Case, case.id).active_links[0].report_id
    _suspect(db.session.get(Report, origin_id), "first-name-only")
    second = make_report()
    _suspect(second, "full-name-and-birth-date")  # the second report named the suspect fully
    links.link_report(case.id, as_actor(officer), reference=second.reference, reason="Same car",
                           expected_version=db.session.get(Case, case.id).version)
    repeat_of_first, repeat_of_second, unrelated = make_report(), make_report(), make_report()
    _suspect(repeat_of_first, "first-name-only")
    _suspect(repeat_of_second, "full-name-and-birth-date")
    _suspect(unrelated, "someone-else")
    found = {s.report.id for s in links.suggestions(case.id)}
    assert found == {repeat_of_first.id, repeat_of_second.id}
