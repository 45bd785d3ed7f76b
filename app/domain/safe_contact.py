"""The victim's safe-contact rules staff must follow, and what a contact attempt would break.

Pure rules over the typed answers (app.domain.answers): who reported, and the newest contact answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.answers import Contact, ContactSafety, ContactWay, Reporter, YesNo

# Channels staff may use to reach a victim, in the order the case page lists them.
CHANNELS: dict[str, str] = {
    "phone_call": "Phone call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
    "in_person": "Visit in person",
    "trusted_person": "Through a trusted person",
}
# The journey's ways of contact, as staff channels.
_WAY_CHANNELS = {
    ContactWay.CALL: "phone_call", ContactWay.TEXT: "text", ContactWay.EMAIL: "email",
    ContactWay.LETTER: "letter", ContactWay.TRUSTED_PERSON: "trusted_person",
}
# What came of an attempt to contact the victim.
OUTCOMES: dict[str, str] = {
    "spoke_to_victim": "Spoke to the victim",
    "left_voicemail": "Left a voicemail",
    "message_sent": "Message or letter sent",
    "no_answer": "No answer, no message left",
    "not_safe_to_talk": "Victim said it was not safe to talk",
    "wrong_details": "Wrong number or address",
}
# Outcomes where the victim heard from us (an update given this way counts).
REACHED = frozenset({"spoke_to_victim", "message_sent", "left_voicemail"})


@dataclass(frozen=True)
class SafeContactRules:
    """How staff may and may not contact the victim."""

    provided: bool
    contact_allowed: str | None  # "yes", "some_ways", "no" or None when not answered
    safe_channels: tuple[str, ...]
    unsafe_channels: tuple[str, ...]
    voicemail_ok: bool
    accounts_accessed: str | None
    safe_times: str = ""
    code_word: str = ""
    phone: str = ""
    email: str = ""
    trusted_name: str = ""
    trusted_phone: str = ""
    headlines: tuple[str, ...] = field(default=())
    # Someone reporting for the victim (steps.py "reporter"): who they are and a safe way to reach them.
    reporter_role: str | None = None
    reporter_name: str = ""
    reporter_relationship: str = ""
    reporter_contact: str = ""
    victim_knows: str | None = None

    def is_unsafe(self, channel: str) -> bool:
        """Say whether contacting the victim this way breaks their rules."""
        return channel in self.unsafe_channels

    def channel_label(self, channel: str) -> str:
        """Return a channel's plain name."""
        return CHANNELS.get(channel, channel)


def safe_contact_rules(contact: Contact, reporter: Reporter | None = None) -> SafeContactRules:
    """Return the safe-contact rules from the newest contact answers (unknown answers are read cautiously)."""
    reporter = reporter or Reporter()
    allowed = contact.safe
    ways = {_WAY_CHANNELS[way] for way in contact.ways}
    accessed = contact.accounts_accessed

    if allowed is ContactSafety.NO:
        unsafe = set(CHANNELS)
    elif allowed is ContactSafety.SOME_WAYS:
        unsafe = set(CHANNELS) - ways
    else:
        unsafe = set()
    # Send nothing by email unless the victim marked it safe, and never if their accounts may be read.
    if "email" not in ways or accessed in (YesNo.YES, YesNo.NOT_SURE):
        unsafe.add("email")
    voicemail_ok = contact.voicemail is YesNo.YES and allowed is not ContactSafety.NO
    ordered_unsafe = tuple(channel for channel in CHANNELS if channel in unsafe)
    safe = tuple(channel for channel in CHANNELS if channel not in unsafe)

    headlines: list[str] = []
    if allowed is ContactSafety.NO:
        headlines.append("Do not contact the victim: they will contact us")
    elif allowed is None:
        headlines.append("The victim has not told us how to contact them safely: ask before anything else")
    for channel in ordered_unsafe:
        if allowed is not ContactSafety.NO:
            headlines.append(f"Do not use: {CHANNELS[channel].lower()}")
    if not voicemail_ok:
        headlines.append("No voicemail: do not leave messages")
    if accessed in (YesNo.YES, YesNo.NOT_SURE):
        headlines.append("Someone may be reading the victim's email, phone or accounts")
    third_party = reporter.is_third_party
    knows = reporter.victim_knows
    if third_party and knows is YesNo.NO:
        # Contacting a victim who did not know could alert whoever is watching them: the reporter goes first.
        headlines.insert(0, "The victim does not know this was reported: contact the reporter first")
    elif third_party and knows is YesNo.NOT_SURE:
        headlines.insert(0, "The victim may not know this was reported: contact the reporter first")

    return SafeContactRules(
        provided=contact.given,
        contact_allowed=allowed.value if allowed else None,
        safe_channels=safe,
        unsafe_channels=ordered_unsafe,
        voicemail_ok=voicemail_ok,
        accounts_accessed=accessed.value if accessed else None,
        safe_times=contact.safe_times,
        code_word=contact.code_word,
        phone=contact.phone,
        email=contact.email if "email" not in unsafe else "",
        trusted_name=contact.trusted_name,
        trusted_phone=contact.trusted_phone,
        headlines=tuple(headlines),
        reporter_role=reporter.role.value if third_party and reporter.role else None,
        reporter_name=reporter.name if third_party else "",
        reporter_relationship=reporter.relationship if third_party else "",
        reporter_contact=", ".join(filter(None, (reporter.phone, reporter.email))) if third_party else "",
        victim_knows=knows.value if third_party and knows else None,
    )


def unsafe_reasons(channel: str, outcome: str, rules: SafeContactRules) -> list[str]:
    """Return why this contact would break the victim's rules (empty when it is safe)."""
    reasons = []
    if rules.is_unsafe(channel):
        reasons.append(f"The victim marked {CHANNELS[channel].lower()} as unsafe")
    if outcome == "left_voicemail" and not rules.voicemail_ok:
        reasons.append("The victim did not agree to voicemail")
    return reasons
