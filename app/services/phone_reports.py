"""Reports taken by phone: a call handler enters the journey's answers; the report goes straight to triage."""

from __future__ import annotations

from typing import Any

from app.models import Channel, Report
from app.services.actor import Actor
from app.services.errors import Conflict
from app.services.reports import submit_report


def take_phone_report(answers: dict[str, Any], *, handler: Actor, submission_key: str) -> Report:
    """Submit a phone report (channel phone, taken by the handler) through the journey's own submission."""
    if not submission_key or len(submission_key) > 64:
        raise Conflict("The form has expired: start the phone report again")
    # The same transaction and idempotency as an online report: a double-clicked save creates one report.
    return submit_report(answers, channel=Channel.PHONE, actor=handler, submission_key=submission_key)
