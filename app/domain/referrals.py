"""Referrals to partner agencies: who needs the victim's consent, and how a referral's status may move."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class ReferralConsent(enum.StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_ASKED = "not_asked"

    @property
    def label(self) -> str:
        return {"given": "Given", "refused": "Refused", "not_asked": "Not asked"}[self.value]


class ReferralStatus(enum.StrEnum):
    PROPOSED = "proposed"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Partner:
    """A partner agency a case can be referred to."""

    code: str
    name: str
    description: str
    # Safeguarding referrals go ahead without the victim's consent when the risk demands it.
    consent_needed_to_send: bool = True


NATIONAL_PARTNERS: tuple[Partner, ...] = (
    Partner("paladin", "Paladin", "National Stalking Advocacy Service, for high risk of serious harm"),
    Partner("idva", "IDVA", "Independent Domestic Violence Advisor, for high-risk domestic abuse"),
    Partner("marac", "MARAC", "Multi-Agency Risk Assessment Conference, for high-risk domestic abuse",
            consent_needed_to_send=False),
    Partner("childrens_social_care", "Children's social care", "Any child at risk, harmed, threatened or used",
            consent_needed_to_send=False),
    Partner("national_stalking_helpline", "National Stalking Helpline", "Advice for all victims (Suzy Lamplugh Trust)"),
    Partner("victim_support", "Victim support service", "Support every victim is offered under the Victims' Code"),
)

TRANSITIONS = {
    ReferralStatus.PROPOSED: (ReferralStatus.SENT, ReferralStatus.DECLINED),
    ReferralStatus.SENT: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
    ReferralStatus.ACCEPTED: (),
    ReferralStatus.DECLINED: (),
}


def parse_local_partners(setting: str | None) -> tuple[Partner, ...]:
    """Return local partners from 'Name|What they do;Name|What they do'."""
    partners = []
    for entry in (setting or "").split(";"):
        name, _, description = entry.partition("|")
        name = name.strip()
        if name:
            slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            partners.append(Partner(f"local_{slug}", name, description.strip() or "Local support service"))
    return tuple(partners)


# A declined referral is finished; consent still matters while a partner may act on a referral.
CONSENT_OPEN = frozenset({ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED})




def consent_needed_to_send(partner: Partner | None) -> bool:
    """Whether a referral waits for the victim's consent; an unknown partner does, to be safe."""
    return partner is None or partner.consent_needed_to_send


def may_send(partner: Partner | None, consent: ReferralConsent) -> bool:
    """Whether a referral may be sent: with given consent, or to a safeguarding partner (MARAC, children's care)."""
    return consent is ReferralConsent.GIVEN or not consent_needed_to_send(partner)


def partner_must_be_told(status: ReferralStatus, partner: Partner | None, consent: ReferralConsent) -> bool:
    """Whether a partner already holds a referral the victim no longer consents to, so the officer must tell them."""
    return status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED) and not may_send(partner, consent)
