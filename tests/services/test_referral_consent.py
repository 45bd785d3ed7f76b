"""Recording a victim's consent after a referral was made: who may, what it allows, and the history it keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Case, CaseEvent, Referral, ReferralConsent, ReferralStatus, Role
from app.services.casework import case_page, referrals
from app.services.casework.changes import StaleCase
from app.services.casework.victims_code import case_timers
from app.services.errors import FieldError, Forbidden
from tests.factories import as_actor
from tests.web.cases.helpers import make_case, make_officer

GIVEN, REFUSED, NOT_ASKED = ReferralConsent.GIVEN, ReferralConsent.REFUSED, ReferralConsent.NOT_ASKED
PROPOSED, SENT, ACCEPTED, DECLINED = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED,
                                      ReferralStatus.DECLINED)
CONSENT_BASED = ["paladin", "idva", "national_stalking_helpline", "victim_support", "local_stepping_stones"]
SAFEGUARDING = ["marac", "childrens_social_care"]
NOTES = {GIVEN: None, REFUSED: "Does not want advocacy yet", NOT_ASKED: "Not safe to talk yet"}


@pytest.fixture
def owned(app_ctx):
    officer = make_officer()
    return officer, make_case(owner=officer)


def _refer(case, officer, partner_code: str = "paladin", consent: ReferralConsent = NOT_ASKED) -> Referral:
    version = db.session.get(Case, case.id).version
    return referrals.make_referral(case.id, as_actor(officer), partner_code=partner_code, consent=consent,
                                   consent_note=NOTES[consent], reason="High risk", expected_version=version)


def _record(case, referral, actor, consent: ReferralConsent, note: str | None = None) -> Referral:
    return referrals.record_consent(case.id, referral.id, as_actor(actor), consent=consent,
                                    consent_note=note if note is not None else NOTES[consent],
                                    expected_version=referral.version)


def _send(case, referral, actor) -> Referral:
    return referrals.change_referral_status(case.id, referral.id, as_actor(actor), status=SENT,
                                            expected_version=referral.version)


# --- the state table: consent now x partner -> may it be sent? --------------------------------------------

@pytest.mark.parametrize("partner_code", CONSENT_BASED + SAFEGUARDING)
@pytest.mark.parametrize(("first", "later"), [
    (NOT_ASKED, GIVEN), (NOT_ASKED, REFUSED), (NOT_ASKED, NOT_ASKED),
    (REFUSED, GIVEN), (GIVEN, REFUSED), (GIVEN, NOT_ASKED),
])  # fmt: skip
def test_sending_follows_the_consent_recorded_last(owned, partner_code, first, later):
    officer, case = owned
    referral = _refer(case, officer, partner_code, first)
    _record(case, referral, officer, later)
    assert referral.consent is later
    may = later is GIVEN or partner_code in SAFEGUARDING
    assert referrals.may_send(partner_code, later) is may
    if may:
        _send(case, referral, officer)
        assert (referral.status, referral.sent_at is not None) == (SENT, True)
    else:
        with pytest.raises(FieldError) as refused:
            _send(case, referral, officer)
        assert refused.value.field == "status" and "cannot be sent without consent" in str(refused.value)
        assert (referral.status, referral.sent_at) == (PROPOSED, None)


def test_not_asked_then_given_lets_a_paladin_referral_go_all_the_way(owned):
    officer, case = owned
    referral = _refer(case, officer, "paladin", NOT_ASKED)
    with pytest.raises(FieldError):
        _send(case, referral, officer)
    _record(case, referral, officer, GIVEN)
    _send(case, referral, officer)
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ACCEPTED,
                                     expected_version=referral.version)
    assert referral.status is ACCEPTED and referral.consent_note is None


@pytest.mark.parametrize(("status", "allowed"), [(PROPOSED, True), (SENT, True), (ACCEPTED, True), (DECLINED, False)])
def test_consent_can_be_recorded_while_a_partner_may_act_on_the_referral(owned, status, allowed):
    officer, case = owned
    referral = _refer(case, officer, "idva", GIVEN)
    for step in {PROPOSED: [], SENT: [SENT], ACCEPTED: [SENT, ACCEPTED], DECLINED: [DECLINED]}[status]:
        referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=step,
                                         expected_version=referral.version)
    if allowed:
        _record(case, referral, officer, REFUSED, "Withdrew consent on the phone")
        assert referral.consent is REFUSED
        # A partner already holding it must be told the victim no longer consents.
        assert referrals.partner_must_be_told(referral) is (status is not PROPOSED)
    else:
        with pytest.raises(FieldError) as refused:
            _record(case, referral, officer, REFUSED, "Withdrew consent")
        assert refused.value.field == "consent" and "make a new referral" in str(refused.value)
        db.session.rollback()
        assert db.session.get(Referral, referral.id).consent is GIVEN


def test_withdrawn_consent_on_a_sent_safeguarding_referral_needs_no_telling(owned):
    officer, case = owned
    referral = _refer(case, officer, "marac", NOT_ASKED)
    _send(case, referral, officer)
    _record(case, referral, officer, REFUSED)
    assert not referrals.partner_must_be_told(referral)


# --- validation ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("consent", "message"), [(REFUSED, "Explain why consent was refused"),
                                                  (NOT_ASKED, "Explain why consent was not asked")])
def test_refused_or_not_asked_needs_the_reason(owned, consent, message):
    officer, case = owned
    referral = _refer(case, officer, "paladin", NOT_ASKED)
    seen = referral.version
    with pytest.raises(FieldError) as refused:
        _record(case, referral, officer, consent, "   ")
    assert (refused.value.field, str(refused.value)) == ("consent_note", message)
    db.session.rollback()
    stored = db.session.get(Referral, referral.id)
    assert (stored.consent, stored.consent_note, stored.version) == (NOT_ASKED, "Not safe to talk yet", seen)


def test_given_consent_clears_the_old_reason(owned):
    officer, case = owned
    referral = _refer(case, officer, "paladin", NOT_ASKED)
    _record(case, referral, officer, GIVEN, "  ")
    assert (referral.consent, referral.consent_note) == (GIVEN, None)


# --- who, when, and stale saves ------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "own", "allowed"), [
    (Role.OFFICER, True, True),
    (Role.OFFICER, False, False),   # another officer
    (Role.SUPERVISOR, False, True),
    (Role.ADMIN, False, True),
    (Role.CALL_HANDLER, False, False),
])  # fmt: skip
def test_only_the_owner_a_supervisor_or_an_admin_records_consent(owned, role, own, allowed):
    officer, case = owned
    referral = _refer(case, officer)
    actor = officer if own else make_officer(role=role)
    if allowed:
        _record(case, referral, actor, GIVEN)
        assert (referral.consent, referral.consent_recorded_by_id) == (GIVEN, actor.id)
    else:
        with pytest.raises(Forbidden):
            _record(case, referral, actor, GIVEN)
        assert db.session.get(Referral, referral.id).consent is NOT_ASKED


def test_a_stale_consent_save_is_refused_and_changes_nothing(owned):
    officer, case = owned
    referral = _refer(case, officer)
    seen = referral.version
    supervisor = make_officer(role=Role.SUPERVISOR)
    _record(case, referral, supervisor, REFUSED)
    with pytest.raises(StaleCase) as stale:
        referrals.record_consent(case.id, referral.id, as_actor(officer), consent=GIVEN, consent_note=None,
                                 expected_version=seen)
    assert "Someone else changed this referral" in str(stale.value)
    stored = db.session.get(Referral, referral.id)
    assert (stored.consent, stored.consent_recorded_by_id) == (REFUSED, supervisor.id)


def test_a_referral_of_another_case_is_not_found(app_ctx):
    officer = make_officer()
    mine, other = make_case(owner=officer), make_case(owner=officer)
    referral = _refer(other, officer)
    from app.services.errors import NotFound

    with pytest.raises(NotFound):
        referrals.record_consent(mine.id, referral.id, as_actor(officer), consent=GIVEN, consent_note=None,
                                 expected_version=referral.version)


def test_consent_is_dated_when_made_and_each_time_it_is_recorded(owned, monkeypatch):
    officer, case = owned
    made = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(referrals, "utcnow", lambda: made)
    referral = _refer(case, officer)
    assert (referral.consent_recorded_at, referral.consent_recorded_by_id) == (made, officer.id)
    later = datetime(2026, 3, 9, 15, 30, tzinfo=UTC)
    monkeypatch.setattr(referrals, "utcnow", lambda: later)
    supervisor = make_officer(role=Role.SUPERVISOR)
    _record(case, referral, supervisor, GIVEN)
    stored = db.session.get(Referral, referral.id)
    assert (stored.proposed_at, stored.consent_recorded_at, stored.consent_recorded_by_id) == (
        made, later, supervisor.id)
    summary = referrals.referral_summary(case.id, referral.id, as_actor(officer))
    assert summary.referral.consent_recorded_at == later


# --- history: the timeline and the audit ---------------------------------------------------------------------

def test_each_consent_recorded_stays_on_the_timeline_and_the_referral_keeps_its_first_consent(owned):
    officer, case = owned
    referral = _refer(case, officer, "paladin", NOT_ASKED)
    _record(case, referral, officer, REFUSED, "Wants to think about it")
    _record(case, referral, officer, GIVEN)
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "referral_consent")
                                .order_by(CaseEvent.id)).all()
    assert [(e.summary, e.detail, e.actor_id) for e in events] == [
        ("Consent to the referral to Paladin: refused (was not asked)", "Wants to think about it", officer.id),
        ("Consent to the referral to Paladin: given (was refused)", None, officer.id),
    ]
    page = case_page.view_case(case.id, as_actor(officer))
    titles = [(entry.title, entry.text) for entry in page.timeline if entry.kind in ("referral", "referral_consent")]
    assert ("Referral to Paladin proposed", "Consent: Not asked: Not safe to talk yet") in titles
    refused = "Consent to the referral to Paladin: refused (was not asked). Wants to think about it"
    assert ("Consent recorded", refused) in titles
    assert ("Consent recorded", "Consent to the referral to Paladin: given (was refused)") in titles


def test_the_audit_records_each_change_without_the_reason(owned):
    officer, case = owned
    referral = _refer(case, officer, "idva", NOT_ASKED)
    _record(case, referral, officer, REFUSED, "Victim said her sister reads her texts")
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.referral_consent_recorded")).all()
    assert [(e.record_id, e.details) for e in audited] == [
        (case.id, {"referral_id": referral.id, "partner": "idva", "from": "not_asked", "to": "refused"})]
    assert "sister" not in repr([(e.action, e.details) for e in db.session.scalars(select(AuditEvent))])


def test_a_later_refusal_meets_the_support_referral_timer_when_it_was_recorded(owned, monkeypatch):
    officer, case = owned
    monkeypatch.setattr(referrals, "utcnow", lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    referral = _refer(case, officer, "victim_support", NOT_ASKED)
    timers = {t.key: t for t in case_timers(db.session.get(Case, case.id), case.opened_at, [referral])}
    assert not timers["support_referral"].done
    refused_at = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    monkeypatch.setattr(referrals, "utcnow", lambda: refused_at)
    _record(case, referral, officer, REFUSED)
    timers = {t.key: t for t in case_timers(db.session.get(Case, case.id), case.opened_at, [referral])}
    assert timers["support_referral"].done_at == refused_at
