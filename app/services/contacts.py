"""Contact attempts with the victim, checked against their safe-contact rules."""

from __future__ import annotations

from app.extensions import db
from app.models import ContactAttempt, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.cases import FieldError, case_for_change, commit_case_change, safe_contact_for_case
from app.services.safe_contact import CHANNELS

OUTCOMES: dict[str, str] = {
    "spoke_to_victim": "Spoke to the victim",
    "left_voicemail": "Left a voicemail",
    "message_sent": "Message or letter sent",
    "no_answer": "No answer, no message left",
    "not_safe_to_talk": "Victim said it was not safe to talk",
    "wrong_details": "Wrong number or address",
}


def unsafe_reasons(channel: str, outcome: str, rules) -> list[str]:
    """Return why this contact would break the victim's rules (empty when it is safe)."""
    reasons = []
    if rules.is_unsafe(channel):
        reasons.append(f"The victim marked {CHANNELS[channel].lower()} as unsafe")
    if outcome == "left_voicemail" and not rules.voicemail_ok:
        reasons.append("The victim did not agree to voicemail")
    return reasons


def record_contact(case_id: int, actor: StaffUser, *, channel: str, outcome: str, summary: str | None,
                   gave_update: bool, acknowledgement: bool, override_reason: str | None,
                   expected_version: int) -> ContactAttempt:
    """Record a contact attempt; an unsafe channel needs an override reason, which is audited."""
    case = case_for_change(case_id, actor, expected_version)
    if channel not in CHANNELS:
        raise FieldError("channel", "Select how you contacted the victim")
    if outcome not in OUTCOMES:
        raise FieldError("outcome", "Select what happened")
    override_reason = (override_reason or "").strip() or None
    reasons = unsafe_reasons(channel, outcome, safe_contact_for_case(case))
    if reasons and not override_reason:
        raise FieldError("override_reason", f"{'. '.join(reasons)}. Give a reason for using it anyway")
    now = utcnow()
    contact = ContactAttempt(case_id=case.id, channel=channel, outcome=outcome, attempted_at=now,
                             made_by_id=actor.id, gave_update=gave_update, acknowledgement=acknowledgement,
                             unsafe_channel_override=override_reason if reasons else None,
                             summary=(summary or "").strip() or None)
    db.session.add(contact)
    reached = outcome in {"spoke_to_victim", "message_sent", "left_voicemail"}
    if gave_update and reached:
        case.last_victim_update_at = now
    if acknowledgement and reached and case.acknowledged_at is None:
        case.acknowledged_at = now
    db.session.flush()
    audit.record("case.contact_recorded", "case", case.id,
                 details={"contact_id": contact.id, "channel": channel, "outcome": outcome})
    if reasons:
        audit.record("case.unsafe_channel_override", "case", case.id,
                     details={"contact_id": contact.id, "channel": channel, "outcome": outcome})
    commit_case_change()
    return contact
