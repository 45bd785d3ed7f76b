"""The safe-contact rules staff must follow, from the typed contact and reporter answers."""

from __future__ import annotations

import pytest

from app.domain.answers import Contact, Reporter
from app.domain.safe_contact import safe_contact_rules, unsafe_reasons


def rules(contact: dict, reporter: dict | None = None):
    return safe_contact_rules(Contact.parse(contact), Reporter.parse(reporter or {}))


def test_safe_contact_rules_read_cautiously():
    nothing = rules({})
    assert nothing.is_unsafe("email") and not nothing.voicemail_ok and not nothing.provided
    refused = rules({"safe": "no"})
    assert set(refused.unsafe_channels) == {"phone_call", "text", "email", "letter", "in_person", "trusted_person"}
    assert "Do not contact the victim: they will contact us" in refused.headlines
    watched = rules({"safe": "yes", "ways": ["email"], "accounts_accessed": "yes"})
    assert watched.is_unsafe("email") and watched.email == ""


def test_unknown_codes_are_not_trusted():
    odd = rules({"safe": "maybe", "ways": ["pigeon", 7, None], "voicemail": True})
    assert not odd.provided and odd.contact_allowed is None and not odd.voicemail_ok


@pytest.mark.parametrize(("role", "knows", "headline"), [
    ("on_behalf", "no", "The victim does not know this was reported: contact the reporter first"),
    ("professional", "not_sure", "The victim may not know this was reported: contact the reporter first"),
    ("on_behalf", "yes", None),
    ("self", "no", None),  # a stale answer from before they said it is happening to them
])
def test_a_victim_who_does_not_know_is_a_safe_contact_rule(role, knows, headline):
    found = rules({"safe": "yes", "voicemail": "yes", "ways": ["call"]},
                  {"role": role, "name": "Ann", "phone": "07700 900555", "victim_knows": knows})
    if headline:
        assert found.headlines[0] == headline
        assert found.reporter_name == "Ann" and found.reporter_contact == "07700 900555"
    else:
        assert not any("reported" in line for line in found.headlines)
    assert (found.reporter_role is None) == (role == "self")


@pytest.mark.parametrize(("channel", "outcome", "contact", "broken"), [
    ("phone_call", "spoke_to_victim", {"safe": "yes", "ways": ["call"], "voicemail": "yes"}, []),
    ("email", "message_sent", {"safe": "yes", "ways": ["email"], "accounts_accessed": "yes"},
     ["The victim marked email as unsafe"]),
    ("phone_call", "left_voicemail", {"safe": "yes", "ways": ["call"], "voicemail": "no"},
     ["The victim did not agree to voicemail"]),
    ("letter", "message_sent", {"safe": "some_ways", "ways": ["call"]}, ["The victim marked letter as unsafe"]),
])
def test_unsafe_reasons(channel, outcome, contact, broken):
    assert unsafe_reasons(channel, outcome, rules(contact)) == broken
