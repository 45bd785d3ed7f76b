"""The triage service levels in force: the domain's rule with this deployment's targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from app.domain.priority import Priority, sla_due


def sla_targets(config: Mapping[str, Any]) -> dict[Priority, timedelta]:
    """The time allowed to triage each priority, from configuration (SLA_MINUTES_URGENT, _HIGH, _STANDARD)."""
    return {
        Priority.URGENT: timedelta(minutes=int(config["SLA_MINUTES_URGENT"])),
        Priority.HIGH: timedelta(minutes=int(config["SLA_MINUTES_HIGH"])),
        Priority.STANDARD: timedelta(minutes=int(config["SLA_MINUTES_STANDARD"])),
    }


def triage_due(queued_at: datetime, priority: Priority) -> datetime:
    """When a report that joined the queue at `queued_at` is due to be triaged, under the configured targets."""
    return sla_due(queued_at, priority, sla_targets(current_app.config))
