"""Contact attempts with the victim, checked against their safe-contact rules."""

from __future__ import annotations

from app.domain.safe_contact import CHANNELS, OUTCOMES, REACHED, unsafe_reasons
from app.extensions import db
from app.models import ContactAttempt
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import case_for_change
from app.services.casework.changes import StaleCase
from app.services.casework.victim_contact import rules_for_case
from app.services.errors import FieldError
from app.services.transaction import autocommit


@autocommit(stale=StaleCase)
def record_contact(case_id: int, actor: Actor, *, channel: str, outcome: str, summary: str | None,
                   gave_update: bool, acknowledgement: bool, override_reason: str | None,
                   expected_version: int) -> ContactAttempt:
    """Record a contact attempt; an unsafe channel needs an override reason, which is audited."""
    case = case_for_change(case_id, actor, expected_version)
    if channel not in CHANNELS:
        raise FieldError("channel", "Select how you contacted the victim")
    if outcome not in OUTCOMES:
        raise FieldError("outcome", "Select what happened")
    override_reason = (override_reason or "").strip() or None
    reasons = unsafe_reasons(channel, outcome, rules_for_case(case))
    if reasons and not override_reason:
        raise FieldError("override_reason", f"{'. '.join(reasons)}. Give a reason for using it anyway")
    now = utcnow()
    contact = ContactAttempt(case_id=case.id, channel=channel, outcome=outcome, attempted_at=now,
                             made_by_id=actor.staff_id, gave_update=gave_update, acknowledgement=acknowledgement,
                             unsafe_channel_override=override_reason if reasons else None,
                             summary=(summary or "").strip() or None)
    db.session.add(contact)
    reached = outcome in REACHED
    if gave_update and reached:
        case.last_victim_update_at = now
    if acknowledgement and reached and case.acknowledged_at is None:
        case.acknowledged_at = now
    db.session.flush()
    audit.record(actor, "case.contact_recorded", "case", case.id,
                 details={"contact_id": contact.id, "channel": channel, "outcome": outcome})
    if reasons:
        audit.record(actor, "case.unsafe_channel_override", "case", case.id,
                     details={"contact_id": contact.id, "channel": channel, "outcome": outcome})
    return contact
