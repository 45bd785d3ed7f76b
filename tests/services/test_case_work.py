"""Casework services: referrals, contact attempts, notes, status, enhanced rights, links and timers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseNote,
    CaseNoteImmutable,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    ContactAttempt,
    EnhancedRightsCategory,
    Person,
    PersonMatchKey,
    PersonRole,
    ReferralConsent,
    ReferralStatus,
    Role,
)
from app.services.casework import contacts, links, lists, notes, referrals, supervision, victim_contact
from app.services.casework import status as case_status
from app.services.casework.changes import StaleCase
from app.services.casework.victims_code import case_timers
from app.services.errors import FieldError, Forbidden
from tests.factories import as_actor, make_report
from tests.web.cases.helpers import make_case, make_officer


@pytest.fixture
def owned(app_ctx):
    officer = make_officer()
    return officer, make_case(owner=officer)


def _version(case) -> int:
    return db.session.get(Case, case.id).version


# --- referrals ---------------------------------------------------------------------------------------

def test_referral_moves_through_its_states_with_dates(owned):
    officer, case = owned
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="paladin",
                                       consent=ReferralConsent.GIVEN,
                                       consent_note=None, reason="High risk", expected_version=_version(case))
    assert referral.status is ReferralStatus.PROPOSED
    assert (referral.proposed_at is not None, referral.sent_at) == (True, None)
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.SENT,
                                     expected_version=referral.version)
    assert referral.sent_at is not None
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.ACCEPTED,
                                     expected_version=referral.version)
    assert (referral.status, referral.accepted_at is not None) == (ReferralStatus.ACCEPTED, True)
    with pytest.raises(FieldError):
        referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.DECLINED,
                                         expected_version=referral.version)
    kinds = db.session.scalars(select(CaseEvent.summary).where(CaseEvent.kind == "referral_status")
                               .order_by(CaseEvent.id)).all()
    assert kinds == ["Referral to Paladin: sent", "Referral to Paladin: accepted"]


def test_a_proposed_referral_can_be_declined(owned):
    officer, case = owned
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="idva", consent=ReferralConsent.GIVEN,
                                       consent_note=None, reason=None, expected_version=_version(case))
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.DECLINED,
                                     expected_version=referral.version)
    assert (referral.status, referral.declined_at is not None) == (ReferralStatus.DECLINED, True)


@pytest.mark.parametrize("consent", [ReferralConsent.REFUSED, ReferralConsent.NOT_ASKED])
def test_consent_not_given_needs_a_why(owned, consent):
    officer, case = owned
    with pytest.raises(FieldError) as refused:
        referrals.make_referral(case.id, as_actor(officer), partner_code="paladin", consent=consent, consent_note="",
                                reason=None, expected_version=_version(case))
    assert refused.value.field == "consent_note"
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="paladin", consent=consent,
                                       consent_note="Not safe to ask yet", reason=None, expected_version=_version(case))
    # Without consent a Paladin referral cannot be sent; MARAC (a safeguarding referral) can.
    with pytest.raises(FieldError):
        referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.SENT,
                                         expected_version=referral.version)
    marac = referrals.make_referral(case.id, as_actor(officer), partner_code="marac", consent=consent,
                                    consent_note="High risk overrides", reason=None, expected_version=_version(case))
    referrals.change_referral_status(case.id, marac.id, as_actor(officer), status=ReferralStatus.SENT,
                                     expected_version=marac.version)
    assert marac.status is ReferralStatus.SENT


def test_a_stale_referral_update_is_refused(owned):
    officer, case = owned
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="paladin",
                                       consent=ReferralConsent.GIVEN,
                                       consent_note=None, reason=None, expected_version=_version(case))
    seen = referral.version
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.SENT,
                                     expected_version=seen)
    with pytest.raises(StaleCase):
        referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.DECLINED,
                                         expected_version=seen)


def test_local_partners_come_from_configuration(app_ctx, monkeypatch):
    assert [p.name for p in referrals.partners()][-1] == "Stepping Stones"
    monkeypatch.setitem(app_ctx.config, "LOCAL_REFERRAL_PARTNERS", "Safe Haven|Refuge;  Aurora | Counselling ;")
    local = [(p.code, p.name, p.description) for p in referrals.partners() if p.code.startswith("local_")]
    assert local == [("local_safe_haven", "Safe Haven", "Refuge"), ("local_aurora", "Aurora", "Counselling")]
    names = {p.name for p in referrals.partners()}
    assert {"Paladin", "IDVA", "MARAC", "Children's social care", "National Stalking Helpline"} <= names


def test_the_referral_summary_holds_only_what_the_partner_needs(app_ctx):
    officer = make_officer()
    answers = {
        "contact": {"safe": "some_ways", "ways": ["call"], "phone": "07700 900123", "voicemail": "no"},
        "about_you": {"name": "Alex Example", "address": "1 Secret Lane"},
        "incidents": [{"what": "He followed me to the station"}],
        "children": {"in_household": "yes"},
    }
    case = make_case(owner=officer, answers=answers)
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="paladin",
                                       consent=ReferralConsent.GIVEN,
                                       consent_note=None, reason="High risk", expected_version=_version(case))
    summary = referrals.referral_summary(case.id, referral.id, as_actor(officer))
    assert (summary.victim_name, summary.children_in_household) == ("Alex Example", "Yes")
    assert summary.safe_contact.phone == "07700 900123"
    assert not hasattr(summary, "incidents") and "1 Secret Lane" not in repr(summary)


# --- contact attempts ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("channel", "outcome", "unsafe"), [
    ("phone_call", "spoke_to_victim", False),
    ("letter", "message_sent", False),
    ("email", "message_sent", True),        # not among the safe ways, and accounts may be read
    ("text", "message_sent", True),
    ("phone_call", "left_voicemail", True),  # the victim said no voicemail
])  # fmt: skip
def test_an_unsafe_channel_warns_and_needs_an_override_reason(owned, channel, outcome, unsafe):
    officer, case = owned
    kwargs = {"channel": channel, "outcome": outcome, "summary": None, "gave_update": False, "acknowledgement": False}
    if unsafe:
        with pytest.raises(FieldError) as warned:
            contacts.record_contact(case.id, as_actor(officer), override_reason=None, expected_version=_version(case),
                                    **kwargs)
        assert warned.value.field == "override_reason"
        contact = contacts.record_contact(case.id, as_actor(officer), override_reason="Victim asked by phone to email",
                                          expected_version=_version(case), **kwargs)
        assert contact.unsafe_channel_override == "Victim asked by phone to email"
        audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.unsafe_channel_override"))
        assert [e.details for e in audited] == [{"contact_id": contact.id, "channel": channel, "outcome": outcome}]
    else:
        contact = contacts.record_contact(case.id, as_actor(officer), override_reason=None,
                                          expected_version=_version(case),
                                          **kwargs)
        assert contact.unsafe_channel_override is None


def test_newer_contact_rules_from_a_victim_update_take_over(owned):
    from app.models import ReportUpdate

    _officer, case = owned
    report_id = db.session.scalar(select(CaseReport.report_id).where(CaseReport.case_id == case.id))
    db.session.add(ReportUpdate(report_id=report_id, answers={"contact": {"safe": "yes", "ways": ["email", "text"]}}))
    db.session.commit()
    rules = victim_contact.rules_for_case(db.session.get(Case, case.id))
    assert not rules.is_unsafe("email") and not rules.is_unsafe("text")


def test_a_contact_giving_an_update_or_the_acknowledgement_meets_those_timers(owned):
    officer, case = owned
    contacts.record_contact(case.id, as_actor(officer), channel="phone_call", outcome="spoke_to_victim",
                            summary="Explained",
                            gave_update=True, acknowledgement=True, override_reason=None,
                            expected_version=_version(case))
    fresh = db.session.get(Case, case.id)
    timers = {t.key: t for t in case_timers(fresh, fresh.opened_at, [])}
    assert timers["acknowledgement"].done and not timers["support_referral"].done
    # Updates recur: the update is recorded and the next one falls due later, not "done" for good.
    assert timers["victim_update"].last_at == fresh.last_victim_update_at is not None
    assert not timers["victim_update"].done and timers["victim_update"].due_at > fresh.last_victim_update_at


# --- notes -------------------------------------------------------------------------------------------------

def test_notes_are_append_only_and_corrections_are_new_notes(owned):
    officer, case = owned
    first = notes.add_note(case.id, as_actor(officer), body="Spoke to the neighbour")
    correction = notes.add_note(case.id, as_actor(officer), body="It was the landlord", corrects_id=first.id)
    assert correction.corrects_id == first.id
    first.body = "Rewritten history"
    with pytest.raises(CaseNoteImmutable):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(CaseNoteImmutable):
        db.session.delete(db.session.get(CaseNote, first.id))
        db.session.commit()
    db.session.rollback()
    assert [n.body for n in db.session.scalars(select(CaseNote).order_by(CaseNote.id))] == [
        "Spoke to the neighbour", "It was the landlord"]


def test_a_note_cannot_correct_another_cases_note(owned):
    officer, case = owned
    other = make_case(owner=officer)
    note = notes.add_note(other.id, as_actor(officer), body="Elsewhere")
    with pytest.raises(FieldError):
        notes.add_note(case.id, as_actor(officer), body="Correction", corrects_id=note.id)
    with pytest.raises(FieldError):
        notes.add_note(case.id, as_actor(officer), body="   ")


# --- status and enhanced rights --------------------------------------------------------------------------

def test_closing_needs_an_outcome_and_nfa_needs_a_rationale(owned):
    officer, case = owned
    with pytest.raises(FieldError) as no_outcome:
        case_status.change_status(case.id, as_actor(officer), status=CaseStatus.CLOSED, expected_version=_version(case))
    assert no_outcome.value.field == "outcome"
    with pytest.raises(FieldError) as no_rationale:
        case_status.change_status(case.id, as_actor(officer), status=CaseStatus.CLOSED,
                                  outcome=CaseOutcome.NO_FURTHER_ACTION,
                            rationale=" ", expected_version=_version(case))
    assert no_rationale.value.field == "rationale"
    for status in (CaseStatus.AWAITING_CHARGE_DECISION, CaseStatus.CHARGED):
        case_status.change_status(case.id, as_actor(officer), status=status, expected_version=_version(case))
    closed = case_status.change_status(case.id, as_actor(officer), status=CaseStatus.CLOSED,
                                       outcome=CaseOutcome.NO_FURTHER_ACTION,
                                 rationale="Victim moved away and withdrew", expected_version=_version(case))
    assert (closed.status, closed.outcome_rationale, closed.closed_at is not None) == (
        CaseStatus.CLOSED, "Victim moved away and withdrew", True)
    summaries = db.session.scalars(select(CaseEvent.summary).where(CaseEvent.kind == "status")
                                   .order_by(CaseEvent.id)).all()
    assert summaries[-1] == "Status changed from charged to closed (outcome: no further action)"


def test_two_people_cannot_overwrite_each_other(owned):
    officer, case = owned
    supervisor = make_officer(role=Role.SUPERVISOR)
    both_saw = _version(case)
    case_status.change_status(case.id, as_actor(supervisor), status=CaseStatus.AWAITING_CHARGE_DECISION,
                              expected_version=both_saw)
    with pytest.raises(StaleCase):
        case_status.change_status(case.id, as_actor(officer), status=CaseStatus.CHARGED, expected_version=both_saw)
    assert db.session.get(Case, case.id).status is CaseStatus.AWAITING_CHARGE_DECISION


def test_enhanced_rights_are_recorded_with_why_and_shorten_the_timers(owned):
    officer, case = owned
    received = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # Christmas, Boxing Day (a Saturday: Monday 28th off)
    fresh = db.session.get(Case, case.id)
    fresh.update_due_from = received
    db.session.commit()
    assume = {t.key: t.due_at.date().isoformat() for t in case_timers(fresh, received, [])}
    assert assume == {"acknowledgement": "2026-12-24", "support_referral": "2026-12-29", "victim_update": "2026-12-24"}
    with pytest.raises(FieldError) as no_category:
        case_status.record_enhanced_rights(case.id, as_actor(officer), enhanced=True, category=None, reason="x",
                                     expected_version=_version(case))
    assert no_category.value.field == "category"
    case_status.record_enhanced_rights(case.id, as_actor(officer), enhanced=False, category=None,
                                       reason="One incident only so far",
                                 expected_version=_version(case))
    fresh = db.session.get(Case, case.id)
    standard = {t.key: t.due_at.date().isoformat() for t in case_timers(fresh, received, [])}
    assert standard == {"acknowledgement": "2027-01-04", "support_referral": "2026-12-29",
                        "victim_update": "2027-01-04"}
    case_status.record_enhanced_rights(case.id, as_actor(officer), enhanced=True,
                                       category=EnhancedRightsCategory.PERSISTENTLY_TARGETED,
                                 reason="Months of contact", expected_version=_version(case))
    assert db.session.get(Case, case.id).enhanced_rights_category is EnhancedRightsCategory.PERSISTENTLY_TARGETED


def test_my_cases_lists_overdue_first(app_ctx):
    officer = make_officer()
    fresh = make_case(owner=officer)
    late = make_case(owner=officer)
    stale = db.session.get(Case, late.id)
    stale.update_due_from = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    db.session.commit()
    rows = lists.my_cases(as_actor(officer))
    assert [row.case.id for row in rows] == [late.id, fresh.id]
    assert rows[0].overdue and not rows[1].overdue


# --- links -------------------------------------------------------------------------------------------------

def _suspect(report, key: str) -> None:
    person = Person(report_id=report.id, role=PersonRole.SUSPECT, name="Suspect")
    db.session.add(person)
    db.session.flush()
    db.session.add(PersonMatchKey(person_id=person.id, report_id=report.id, role=PersonRole.SUSPECT, key_hash=key))
    db.session.commit()


def test_linking_and_unlinking_keep_the_reasons(owned):
    officer, case = owned
    origin_id = db.session.scalar(select(CaseReport.report_id).where(CaseReport.case_id == case.id))
    other = make_report()
    with pytest.raises(FieldError) as no_reason:
        links.link_report(case.id, as_actor(officer), reference=other.reference, reason="",
                          expected_version=_version(case))
    assert no_reason.value.field == "reason"
    with pytest.raises(FieldError) as unknown:
        links.link_report(case.id, as_actor(officer), reference="AAA-AAA-AAA", reason="x",
                          expected_version=_version(case))
    assert unknown.value.field == "reference"
    link = links.link_report(case.id, as_actor(officer), reference=other.reference.lower().replace("-", " "),
                                  reason="Same man, same car", expected_version=_version(case))
    assert {lk.report_id for lk in db.session.get(Case, case.id).active_links} == {origin_id, other.id}
    with pytest.raises(FieldError):  # one report, one case at a time
        links.link_report(make_case(owner=officer).id, as_actor(officer), reference=other.reference, reason="x",
                               expected_version=1)
    links.unlink_report(case.id, link.id, as_actor(officer), reason="Different suspect after all",
                             expected_version=_version(case))
    kept = db.session.get(CaseReport, link.id)
    assert (kept.link_reason, kept.unlink_reason, kept.unlinked_by_id) == (
        "Same man, same car", "Different suspect after all", officer.id)
    origin_link = db.session.get(Case, case.id).active_links[0]
    with pytest.raises(FieldError):  # the last report cannot be unlinked
        links.unlink_report(case.id, origin_link.id, as_actor(officer), reason="x", expected_version=_version(case))


def test_suggested_links_come_from_repeat_matching(owned):
    _officer, case = owned
    origin = db.session.get(Case, case.id).active_links[0]
    from app.models import Report

    _suspect(db.session.get(Report, origin.report_id), "hash-of-the-suspect")
    repeat = make_report()
    _suspect(repeat, "hash-of-the-suspect")
    unrelated = make_report()
    _suspect(unrelated, "someone-else")
    found = links.suggestions(case.id)
    assert [(s.report.id, s.same_suspect, s.in_case_id) for s in found] == [(repeat.id, True, None)]


def test_permissions_to_change(owned):
    owner, case = owned
    for role in (Role.SUPERVISOR, Role.ADMIN):
        notes.add_note(case.id, as_actor(make_officer(role=role)), body="Reviewed")
    for outsider in (make_officer(), make_officer(role=Role.CALL_HANDLER)):
        with pytest.raises(Forbidden):
            notes.add_note(case.id, as_actor(outsider), body="Not mine")
    with pytest.raises(Forbidden):
        supervision.reassign(case.id, as_actor(owner), officer_id=None, expected_version=_version(case))
    new_officer = make_officer()
    supervision.reassign(case.id, as_actor(make_officer(role=Role.SUPERVISOR)), officer_id=new_officer.id,
                   expected_version=_version(case))
    assert db.session.get(Case, case.id).owner_id == new_officer.id
    with pytest.raises(Forbidden):
        notes.add_note(case.id, as_actor(owner), body="No longer mine")
    assert db.session.scalar(select(ContactAttempt.id)) is None


def test_the_newest_contact_rules_win_and_the_reporter_is_kept():
    """An update's rules replace the report's; the newest update with rules wins; updates without rules do not."""
    from app.models import Report, ReportUpdate

    def on(day: int) -> datetime:
        return datetime(2026, 1, day, tzinfo=UTC)

    report = Report(received_at=on(1), answers={"contact": {"safe": "yes"},
                                                "reporter": {"role": "on_behalf", "victim_knows": "no"}},
                    answers_version=2)
    updates = [ReportUpdate(received_at=on(3), answers={"incidents": 1, "files": 0}),
               ReportUpdate(received_at=on(2), answers={"contact": {"safe": "some_ways"}}),
               ReportUpdate(received_at=on(4), answers={"contact": {"safe": "no"}})]
    newest = victim_contact.rules_for_reports([report], updates)
    assert newest.contact_allowed == "no"
    assert newest.headlines[0] == "The victim does not know this was reported: contact the reporter first"
    assert victim_contact.rules_for_reports([report], updates[:1]).contact_allowed == "yes"
    assert not victim_contact.rules_for_reports([], []).provided
