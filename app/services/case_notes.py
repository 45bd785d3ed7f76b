"""Case notes: append-only; a correction is a new note that points at the one it corrects."""

from __future__ import annotations

from app.extensions import db
from app.models import CaseNote, StaffUser
from app.services import audit
from app.services.cases import FieldError, case_for_change, commit_case_change

MAX_NOTE = 10_000


def add_note(case_id: int, actor: StaffUser, *, body: str, corrects_id: int | None = None) -> CaseNote:
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
    note = CaseNote(case_id=case.id, body=body, author_id=actor.id, corrects_id=corrects_id)
    db.session.add(note)
    db.session.flush()
    audit.record("case.note_added", "case", case.id, details={"note_id": note.id, "corrects_id": corrects_id})
    commit_case_change()
    return note
