"""Writing the audit trail: who did what to which record, when and from where."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent


def record(action: str, record_type: str, record_id: int | None, *, actor_label: str | None = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller's commit makes it permanent)."""
    actor_id = None
    label = actor_label
    if has_request_context() and current_user and current_user.is_authenticated:
        actor_id = current_user.id
        label = label or f"staff:{current_user.role}"
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=label or "system",
        action=action,
        record_type=record_type,
        record_id=record_id,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details or {},
    )
    db.session.add(event)
    return event
