"""Writing the audit trail: who did what to which record, when and from where.

The caller says who acted (an Actor, built by the web layer or a command): nothing here reads the request.
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEvent
from app.services.actor import Actor


def record(actor: Actor, action: str, record_type: str, record_id: int | None, *,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the use case's commit makes it permanent)."""
    event = AuditEvent(
        actor_id=actor.staff_id,
        actor_label=actor.label,
        action=action,
        record_type=record_type,
        record_id=record_id,
        ip_address=actor.client_ip,
        details=details or {},
    )
    db.session.add(event)
    return event
