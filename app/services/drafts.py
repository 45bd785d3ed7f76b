"""Unfinished reports, kept server-side: start, answer, save for later, resume, expire, delete."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from app.crypto import lookup_secret
from app.domain.reference import new_return_code, normalise_return_code
from app.extensions import db
from app.models import Draft, EvidenceFile
from app.models.types import utcnow
from app.services import evidence
from app.services.errors import ServiceError
from app.services.passwords import hash_password, verify_password
from app.services.transaction import autocommit

SAVED_DRAFT_DAYS_DEFAULT = 30


class DraftExpired(ServiceError):
    """The draft was left idle too long and has been deleted (or, if saved, needs the return code again)."""

    keep_changes = True  # the deletion (or detaching the session) stands


class ResumeFailed(ServiceError):
    """The return code or passphrase is wrong (one message for either)."""

    keep_changes = True  # the failed attempt is counted


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["DRAFT_IDLE_MINUTES"])


def saved_days() -> int:
    """How many days a saved draft is kept."""
    return int(current_app.config.get("SAVED_DRAFT_DAYS", SAVED_DRAFT_DAYS_DEFAULT))


def token_hash(token: str) -> str:
    """The stored form of a session token: a database copy cannot be used to take over a draft."""
    return hashlib.sha256(token.encode()).hexdigest()


def return_code_hash(code: str) -> str:
    """The stored form of a (normalised) return code: a keyed hash, so a database copy cannot be searched for codes.

    The code has too few possibilities for a plain hash to hide it; the key lives outside the database.
    """
    return hmac.new(lookup_secret(b"draft-return-codes"), code.encode("utf-8"), hashlib.sha256).hexdigest()


@autocommit
def start_draft() -> tuple[Draft, str]:
    """Create an empty draft; returns it and the opaque token the session keeps."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    draft = Draft(session_token_hash=token_hash(token), answers={}, submission_key=secrets.token_hex(32),
                  created_at=now, last_active_at=now, expires_at=now + _idle())
    db.session.add(draft)
    return draft, token


@autocommit
def find_draft(token: str | None) -> Draft | None:
    """The session's draft, or None. Raises DraftExpired (after deleting or detaching it) if it sat idle too long."""
    if not token:
        return None
    draft = db.session.scalar(select(Draft).where(Draft.session_token_hash == token_hash(token)))
    if draft is None:
        return None
    now = utcnow()
    if draft.saved:
        if now > draft.expires_at:
            _delete(draft)
            raise DraftExpired("draft expired")
        if now > draft.last_active_at + _idle():
            # Saved answers stay for the return code; this browser has to resume with it.
            draft.session_token_hash = None
            raise DraftExpired("session idle")
        return draft
    if now > draft.expires_at:
        _delete(draft)
        raise DraftExpired("draft expired")
    return draft


def _touch(draft: Draft) -> None:
    now = utcnow()
    draft.last_active_at = now
    if not draft.saved:
        draft.expires_at = now + _idle()


@autocommit
def keep_alive(draft: Draft) -> datetime:
    """Reset the idle timer; returns when the session would now time out."""
    _touch(draft)
    return draft.last_active_at + _idle()


@autocommit
def save_section(draft: Draft, section: str, values: dict[str, Any], *, merge: bool = True) -> None:
    """Store one page's answers under their section key."""
    answers = dict(draft.answers or {})
    current = answers.get(section)
    if merge and isinstance(current, dict) and isinstance(values, dict):
        values = {**current, **values}
    answers[section] = values
    draft.answers = answers
    flag_modified(draft, "answers")
    _touch(draft)


@autocommit
def change_answers(draft: Draft, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply a change to a copy of the answers and store it (for the incident list)."""
    answers = dict(draft.answers or {})
    change(answers)
    draft.answers = answers
    flag_modified(draft, "answers")
    _touch(draft)


@dataclass(frozen=True)
class Saved:
    """The return code, to show the person once (only its keyed hash is kept), and when the draft goes."""

    return_code: str
    expires_at: datetime


@autocommit
def save_for_later(draft: Draft, passphrase: str) -> Saved:
    """Give the draft a return code and the person's passphrase; it is kept for saved_days()."""
    for _ in range(5):
        code = new_return_code()
        if db.session.scalar(select(Draft.id).where(Draft.return_code_hash == return_code_hash(code))) is None:
            break
    draft.return_code_hash = return_code_hash(code)
    draft.passphrase_hash = hash_password(passphrase)
    draft.saved = True
    draft.failed_resumes = 0
    draft.expires_at = utcnow() + timedelta(days=saved_days())
    _touch(draft)
    return Saved(code, draft.expires_at)


MAX_FAILED_RESUMES = 10


@autocommit
def resume(code: str, passphrase: str) -> tuple[Draft, str]:
    """Open a saved draft with its return code and passphrase; returns it and a new session token."""
    normalised = normalise_return_code(code)
    draft = None
    if normalised:
        draft = db.session.scalar(select(Draft).where(Draft.return_code_hash == return_code_hash(normalised)))
    # Verify even without a draft so a wrong code and a wrong passphrase take the same time.
    ok = verify_password(draft.passphrase_hash if draft else None, passphrase)
    if draft is None or not draft.saved or utcnow() > draft.expires_at:
        raise ResumeFailed("no match")
    if not ok or draft.failed_resumes >= MAX_FAILED_RESUMES:
        draft.failed_resumes += 1
        raise ResumeFailed("no match")
    token = secrets.token_urlsafe(32)
    draft.session_token_hash = token_hash(token)
    draft.failed_resumes = 0
    _touch(draft)
    return draft, token


def _delete(draft: Draft) -> None:
    evidence.discard(list(db.session.scalars(select(EvidenceFile).where(EvidenceFile.draft_id == draft.id))))
    db.session.execute(delete(EvidenceFile).where(EvidenceFile.draft_id == draft.id))
    db.session.delete(draft)


@autocommit
def delete_draft(draft: Draft) -> None:
    """Delete a draft and its uploaded files now."""
    _delete(draft)


@autocommit
def delete_by_token(token: str | None) -> None:
    """Delete the session's draft if it was never saved for later (the Exit control)."""
    if not token:
        return
    draft = db.session.scalar(select(Draft).where(Draft.session_token_hash == token_hash(token)))
    if draft is None:
        return
    if draft.saved:
        draft.session_token_hash = None
    else:
        _delete(draft)


@autocommit
def purge_expired(now: datetime | None = None) -> int:
    """Delete every draft past its expiry (unsaved and idle, or saved and past its keep-until); returns how many."""
    now = now or utcnow()
    idle_cutoff = now - _idle()
    drafts = list(db.session.scalars(select(Draft).where(
        (Draft.expires_at < now) | ((Draft.saved.is_(False)) & (Draft.last_active_at < idle_cutoff)))))
    for draft in drafts:
        _delete(draft)
    return len(drafts)
