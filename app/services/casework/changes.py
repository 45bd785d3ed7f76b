"""What every change to a case shares: its timeline event and the stale-case refusal."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Case, CaseEvent
from app.models.types import utcnow
from app.services.actor import Actor
from app.services.errors import Stale


class StaleCase(Stale):
    """The case changed since the person loaded the form."""

    DEFAULT = ("Someone else changed this case after you opened it. Your changes were not saved: "
               "check the case as it is now, then make your change again.")


def add_event(case: Case, actor: Actor | None, kind: str, summary: str, *, detail: str | None = None,
              data: dict[str, Any] | None = None) -> CaseEvent:
    """Add a timeline event to the current transaction."""
    event = CaseEvent(case_id=case.id, kind=kind, actor_id=actor.staff_id if actor else None, summary=summary,
                      detail=detail, data=data or {})
    db.session.add(event)
    return event


def touch(case: Case) -> None:
    """Move the case's version on, so a form loaded before a change to its linked rows is stale."""
    case.updated_at = utcnow()
