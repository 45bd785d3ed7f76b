"""Case notes: append-only; a correction is a new note that points at the one it corrects."""

from __future__ import annotations

from app.extensions import db
from app.models import CaseNote
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import case_for_change
from app.services.casework.changes import StaleCase
from app.services.errors import FieldError, NotFound
from app.services.transaction import autocommit

MAX_NOTE = 10_000


@autocommit(stale=StaleCase)
def add_note(case_id: int, actor: Actor, *, body: str, corrects_id: int | None = None) -> CaseNote:
    """Append a note (or a correction of an earlier note) to a case."""
    case = case_for_change(case_id, actor)
    body = (body or "").strip()
    if not body:
        raise FieldError("body", "Enter the note")
    if len(body) > MAX_NOTE:
        raise FieldError("body", f"The note must be {MAX_NOTE:,} characters or fewer")
    if corrects_id is not None:
        original = db.session.get(CaseNote, corrects_id)
        if original is None or original.case_id != case.id:
            raise FieldError("body", "The note you are correcting is not on this case")
    note = CaseNote(case_id=case.id, body=body, author_id=actor.staff_id, corrects_id=corrects_id)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "case.note_added", "case", case.id, details={"note_id": note.id, "corrects_id": corrects_id})
    return note


def note_on_case(case_id: int, raw_id: str | None) -> CaseNote | None:
    """The note a correction points at, given as text from a form or link: None when none was given.

    Raises NotFound for a note that is not on this case, so nobody learns of notes on other cases.
    """
    if not raw_id:
        return None
    note = db.session.get(CaseNote, int(raw_id)) if raw_id.isdigit() and len(raw_id) <= 9 else None
    if note is None or note.case_id != case_id:
        raise NotFound("There is no such note on this case")
    return note
