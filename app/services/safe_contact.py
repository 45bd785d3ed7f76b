"""The victim's safe-contact rules, read from a report's answers, for the triage and case pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Channels staff may use to reach a victim, in the order the case page lists them.
CHANNELS: dict[str, str] = {
    "phone_call": "Phone call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
    "in_person": "Visit in person",
    "trusted_person": "Through a trusted person",
}
# The journey's names for contact ways (app/public/steps.py "contact.ways"), mapped to our channels.
_WAY_ALIASES = {
    "call": "phone_call", "phone": "phone_call", "phone_call": "phone_call",
    "text": "text", "sms": "text", "email": "email", "letter": "letter", "post": "letter",
    "in_person": "in_person", "visit": "in_person",
    "trusted": "trusted_person", "trusted_person": "trusted_person", "intermediary": "trusted_person",
}  # fmt: skip


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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def latest_answers(reports: Iterable[Any], updates: Iterable[Any]) -> dict[str, Any]:
    """Return the answers to read the rules from: the newest contact rules given (an update's win over a report's)
    and who reported, from the newest report."""
    contact = reporter = None
    for report in sorted(reports, key=lambda r: r.received_at):
        answers = report.answers if isinstance(report.answers, Mapping) else {}
        contact = answers.get("contact") or contact
        reporter = answers.get("reporter") or reporter
    for update in sorted(updates, key=lambda u: u.received_at):
        if isinstance(update.answers, Mapping) and update.answers.get("contact"):
            contact = update.answers["contact"]
    return {key: value for key, value in (("contact", contact), ("reporter", reporter)) if value}


def safe_contact_rules(answers: Mapping[str, Any] | None) -> SafeContactRules:
    """Return the safe-contact rules from a report's answers (unknown answers are read cautiously)."""
    contact = (answers or {}).get("contact") or {}
    if not isinstance(contact, Mapping):
        contact = {}
    allowed = contact.get("safe") if contact.get("safe") in {"yes", "some_ways", "no"} else None
    ways = {_WAY_ALIASES[w] for w in contact.get("ways") or [] if isinstance(w, str) and w in _WAY_ALIASES}
    accessed = contact.get("accounts_accessed")
    accessed = accessed if accessed in {"yes", "no", "not_sure"} else None

    if allowed == "no":
        unsafe = set(CHANNELS)
    elif allowed == "some_ways":
        unsafe = set(CHANNELS) - ways
    else:
        unsafe = set()
    # Send nothing by email unless the victim marked it safe, and never if their accounts may be read.
    if "email" not in ways or accessed in {"yes", "not_sure"}:
        unsafe.add("email")
    voicemail_ok = contact.get("voicemail") == "yes" and allowed != "no"
    ordered_unsafe = tuple(channel for channel in CHANNELS if channel in unsafe)
    safe = tuple(channel for channel in CHANNELS if channel not in unsafe)

    headlines: list[str] = []
    if allowed == "no":
        headlines.append("Do not contact the victim: they will contact us")
    elif allowed is None:
        headlines.append("The victim has not told us how to contact them safely: ask before anything else")
    for channel in ordered_unsafe:
        if allowed != "no":
            headlines.append(f"Do not use: {CHANNELS[channel].lower()}")
    if not voicemail_ok:
        headlines.append("No voicemail: do not leave messages")
    if accessed in {"yes", "not_sure"}:
        headlines.append("Someone may be reading the victim's email, phone or accounts")
    reporter = (answers or {}).get("reporter") or {}
    if not isinstance(reporter, Mapping):
        reporter = {}
    third_party = reporter.get("role") in {"on_behalf", "professional"}
    knows = reporter.get("victim_knows") if reporter.get("victim_knows") in {"yes", "no", "not_sure"} else None
    if third_party and knows == "no":
        # Contacting a victim who did not know could alert whoever is watching them: the reporter goes first.
        headlines.insert(0, "The victim does not know this was reported: contact the reporter first")
    elif third_party and knows == "not_sure":
        headlines.insert(0, "The victim may not know this was reported: contact the reporter first")

    return SafeContactRules(
        provided=bool(contact),
        contact_allowed=allowed,
        safe_channels=safe,
        unsafe_channels=ordered_unsafe,
        voicemail_ok=voicemail_ok,
        accounts_accessed=accessed,
        safe_times=_text(contact.get("safe_times")),
        code_word=_text(contact.get("code_word")),
        phone=_text(contact.get("phone")),
        email=_text(contact.get("email")) if "email" not in unsafe else "",
        trusted_name=_text(contact.get("trusted_name")),
        trusted_phone=_text(contact.get("trusted_phone")),
        headlines=tuple(headlines),
        reporter_role=reporter.get("role") if third_party else None,
        reporter_name=_text(reporter.get("name")) if third_party else "",
        reporter_relationship=_text(reporter.get("relationship")) if third_party else "",
        reporter_contact=", ".join(filter(None, (_text(reporter.get("phone")), _text(reporter.get("email")))))
        if third_party else "",
        victim_knows=knows if third_party else None,
    )
