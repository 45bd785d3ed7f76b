"""Referral rules: consent before sending (safeguarding partners excepted), telling a partner when it is withdrawn."""

from __future__ import annotations

import pytest

from app.domain.referrals import (
    NATIONAL_PARTNERS,
    Partner,
    ReferralConsent,
    ReferralStatus,
    may_send,
    parse_local_partners,
    partner_must_be_told,
)

BY_CODE = {p.code: p for p in NATIONAL_PARTNERS}
CONSENT_BASED = ["paladin", "idva", "national_stalking_helpline", "victim_support"]
SAFEGUARDING = ["marac", "childrens_social_care"]


@pytest.mark.parametrize("code", CONSENT_BASED)
@pytest.mark.parametrize(("consent", "allowed"), [
    (ReferralConsent.GIVEN, True), (ReferralConsent.REFUSED, False), (ReferralConsent.NOT_ASKED, False)])
def test_consent_based_partners_need_given_consent(code, consent, allowed):
    assert may_send(BY_CODE[code], consent) is allowed


@pytest.mark.parametrize("code", SAFEGUARDING)
@pytest.mark.parametrize("consent", list(ReferralConsent))
def test_safeguarding_referrals_go_ahead_whatever_the_consent(code, consent):
    assert may_send(BY_CODE[code], consent) is True


@pytest.mark.parametrize("consent", list(ReferralConsent))
def test_an_unknown_partner_needs_consent_to_be_safe(consent):
    assert may_send(None, consent) is (consent is ReferralConsent.GIVEN)


@pytest.mark.parametrize(("status", "consent", "code", "tell"), [
    (ReferralStatus.SENT, ReferralConsent.REFUSED, "paladin", True),
    (ReferralStatus.ACCEPTED, ReferralConsent.NOT_ASKED, "idva", True),
    (ReferralStatus.PROPOSED, ReferralConsent.REFUSED, "paladin", False),  # nothing sent yet
    (ReferralStatus.DECLINED, ReferralConsent.REFUSED, "paladin", False),
    (ReferralStatus.SENT, ReferralConsent.GIVEN, "paladin", False),
    (ReferralStatus.SENT, ReferralConsent.REFUSED, "marac", False),  # safeguarding goes on
])
def test_a_partner_holding_a_referral_without_consent_must_be_told(status, consent, code, tell):
    assert partner_must_be_told(status, BY_CODE[code], consent) is tell


def test_local_partners_from_configuration():
    parsed = parse_local_partners("Stepping Stones|Local stalking advocacy; Safe Haven ;|ignored")
    assert parsed == (
        Partner("local_stepping_stones", "Stepping Stones", "Local stalking advocacy"),
        Partner("local_safe_haven", "Safe Haven", "Local support service"),
    )
    assert all(p.consent_needed_to_send for p in parsed)
    assert parse_local_partners(None) == parse_local_partners("") == ()
