"""Recording consent to a referral after it was made, through the real pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Case, Referral, ReferralConsent, ReferralStatus, Role
from app.services.casework import referrals
from tests.factories import as_actor
from tests.web.cases.helpers import make_case, make_officer, sign_in, submit, token


def _refer(case, officer, partner_code: str = "paladin") -> Referral:
    return referrals.make_referral(case.id, as_actor(officer), partner_code=partner_code,
                                   consent=ReferralConsent.NOT_ASKED,
                                   consent_note="Not safe to talk yet", reason="High risk",
                                   expected_version=db.session.get(Case, case.id).version)


def _consent_path(case, referral) -> str:
    return f"/staff/cases/{case.id}/referrals/{referral.id}/consent"


@pytest.mark.parametrize(("role", "own", "allowed"), [
    (Role.OFFICER, True, True),
    (Role.OFFICER, False, False),   # another officer's case
    (Role.SUPERVISOR, False, True),
    (Role.ADMIN, False, True),
    (Role.CALL_HANDLER, False, False),
])  # fmt: skip
def test_who_can_record_consent(client, role, own, allowed):
    owner = make_officer()
    case = make_case(owner=owner)
    referral = _refer(case, owner)
    actor = owner if own else make_officer(role=role)
    sign_in(client, actor)
    path = _consent_path(case, referral)
    assert client.get(path).status_code == (200 if allowed else 403)
    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert ("Record consent" in case_page) is allowed
    if allowed:
        response = submit(client, path, {"consent": "given"})
        assert response.status_code == 302
    else:
        # A real token (every staff page has the sign-out form), so the refusal is the permission check, not CSRF.
        csrf = token(client, "/staff/cases/pool" if role is Role.OFFICER else "/staff/triage")
        response = client.post(path, data={"csrf_token": csrf, "version": str(referral.version), "consent": "given"})
        assert response.status_code == 403
    stored = db.session.get(Referral, referral.id)
    db.session.refresh(stored)
    assert stored.consent is (ReferralConsent.GIVEN if allowed else ReferralConsent.NOT_ASKED)


def test_not_asked_then_given_then_sent_through_the_pages(client):
    officer = make_officer(name="Olivia Officer")
    case = make_case(owner=officer)
    referral = _refer(case, officer)
    sign_in(client, officer)
    status_path = f"/staff/cases/{case.id}/referrals/{referral.id}/status"
    # Not consented yet: the status page says so and points to the consent page, and sending is refused.
    page = client.get(status_path).get_data(as_text=True)
    assert "It cannot be sent until the victim consents" in page and _consent_path(case, referral) in page
    response = submit(client, status_path, {"status": "sent"})
    assert response.status_code == 400
    assert "cannot be sent without consent. Record their consent first." in response.get_data(as_text=True)

    page = client.get(_consent_path(case, referral)).get_data(as_text=True)
    assert "Record consent to the referral to Paladin" in page
    assert "Consent now: not asked (Not safe to talk yet)" in page
    assert "can be sent only once the victim gives consent" in page
    response = submit(client, _consent_path(case, referral), {"consent": "given"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/cases/{case.id}#referrals")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Consent to the referral to Paladin recorded: given." in shown

    assert submit(client, status_path, {"status": "sent"}).status_code == 302
    stored = db.session.get(Referral, referral.id)
    db.session.refresh(stored)
    assert stored.status is ReferralStatus.SENT and stored.consent_recorded_by_id == officer.id

    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    referrals_table = case_page[case_page.index('id="referrals"'):case_page.index('id="timeline"')]
    assert re.search(r"Given\s*<span[^>]*>Recorded \d{1,2} \w+ \d{4}</span>", referrals_table)
    timeline = case_page[case_page.index('id="timeline"'):]
    assert "Consent recorded" in timeline and "Consent to the referral to Paladin: given (was not asked)" in timeline
    assert "Consent: Not asked: Not safe to talk yet" in timeline

    summary = client.get(f"/staff/cases/{case.id}/referrals/{referral.id}/summary").get_data(as_text=True)
    assert re.search(r"Given \(recorded \d{1,2} \w+ \d{4}\)", summary)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == case.id)).all()
    assert "case.referral_consent_recorded" in actions


def test_a_missing_reason_is_shown_with_the_answer_kept(client):
    officer = make_officer()
    case = make_case(owner=officer)
    referral = _refer(case, officer)
    sign_in(client, officer)
    for data, message in ((({"consent": "refused"}), "Explain why consent was refused"),
                          ({}, "Select whether the victim consented")):
        response = submit(client, _consent_path(case, referral), data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "<title>Error: " in page and message in page
    response = submit(client, _consent_path(case, referral), {"consent": "refused", "consent_note": "x" * 2_001})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="refused" checked' in page and "x" * 2_001 in page
    assert db.session.get(Referral, referral.id).consent is ReferralConsent.NOT_ASKED


def test_a_stale_consent_save_is_refused_with_the_answers_kept(client):
    officer = make_officer()
    case = make_case(owner=officer)
    referral = _refer(case, officer)
    sign_in(client, officer)
    path = _consent_path(case, referral)
    page = client.get(path).get_data(as_text=True)
    supervisor = make_officer(role=Role.SUPERVISOR)
    referrals.record_consent(case.id, referral.id, as_actor(supervisor), consent=ReferralConsent.GIVEN,
                             consent_note=None,
                             expected_version=referral.version)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(path, data={"csrf_token": csrf, "version": version, "consent": "refused",
                                       "consent_note": "She asked us to wait"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this referral after you opened it" in text
    assert 'value="refused" checked' in text and "She asked us to wait" in text
    # The form now carries the version as it is, so saving again is a decision to overwrite.
    assert f'name="version" type="hidden" value="{referral.version}"' in text
    stored = db.session.get(Referral, referral.id)
    db.session.refresh(stored)
    assert (stored.consent, stored.consent_recorded_by_id) == (ReferralConsent.GIVEN, supervisor.id)
    # Having seen the message, saving the kept answers again records them.
    response = client.post(path, data={"csrf_token": csrf, "version": str(stored.version), "consent": "refused",
                                       "consent_note": "She asked us to wait"})
    assert response.status_code == 302
    db.session.refresh(stored)
    assert (stored.consent, stored.consent_note, stored.consent_recorded_by_id) == (
        ReferralConsent.REFUSED, "She asked us to wait", officer.id)


def test_withdrawn_consent_on_a_sent_referral_says_to_tell_the_partner(client):
    officer = make_officer()
    case = make_case(owner=officer)
    referral = _refer(case, officer, "idva")
    referrals.record_consent(case.id, referral.id, as_actor(officer), consent=ReferralConsent.GIVEN, consent_note=None,
                             expected_version=referral.version)
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.SENT,
                                     expected_version=referral.version)
    sign_in(client, officer)
    response = submit(client, _consent_path(case, referral), {"consent": "refused", "consent_note": "Withdrew"})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The referral was already sent: tell IDVA that the victim no longer consents." in shown


def test_a_declined_referral_offers_no_consent_change(client):
    officer = make_officer()
    case = make_case(owner=officer)
    referral = _refer(case, officer)
    referrals.change_referral_status(case.id, referral.id, as_actor(officer), status=ReferralStatus.DECLINED,
                                     expected_version=referral.version)
    sign_in(client, officer)
    assert "Record consent" not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    response = submit(client, _consent_path(case, referral), {"consent": "given"})
    assert response.status_code == 400
    assert "make a new referral to record consent" in response.get_data(as_text=True)


def test_a_referral_on_another_case_is_not_found(client):
    officer = make_officer()
    case, other = make_case(owner=officer), make_case(owner=officer)
    referral = _refer(other, officer)
    sign_in(client, officer)
    assert client.get(_consent_path(case, referral)).status_code == 404
    assert client.get(f"/staff/cases/{case.id}/referrals/999999/consent").status_code == 404
