"""The victim's draft as this browser session holds it: an opaque token in the cookie, the answers on the server.

Nothing the person types goes into the cookie or a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, session, url_for

from app.models import Draft
from app.public import bp
from app.public.exit_hooks import on_exit
from app.public.steps import is_third_party
from app.services import drafts

DRAFT_KEY = "draft"
SUBMISSION_KEY = "submission"
SENT_KEY = "sent_report"


@on_exit
def _delete_unsaved_draft() -> None:
    drafts.delete_by_token(session.get(DRAFT_KEY))


def begin(draft: Draft, token: str) -> None:
    """Make this session the one carrying the draft (a new draft, or a saved one resumed)."""
    session[DRAFT_KEY] = token
    session[SUBMISSION_KEY] = draft.submission_key
    session.pop(SENT_KEY, None)


def forget() -> None:
    """The session no longer carries a draft (sent, saved for later, or timed out)."""
    session.pop(DRAFT_KEY, None)


def find() -> Draft | None:
    """The session's draft, or None; raises drafts.DraftExpired (and forgets it) if it timed out."""
    try:
        return drafts.find_draft(session.get(DRAFT_KEY))
    except drafts.DraftExpired:
        forget()
        raise


def with_draft(view: Callable[..., Any]) -> Callable[..., Any]:
    """Load the session's draft into the view; expired drafts go to the timed-out page, none to the start."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            draft = find()
        except drafts.DraftExpired:
            return redirect(url_for("public.timed_out"))
        if draft is None:
            return redirect(url_for("public.journey_start"))
        g.draft = draft
        return view(draft, *args, **kwargs)

    return wrapped


def answers() -> dict[str, Any]:
    """The answers of the draft this request loaded (empty when there is none)."""
    draft = g.get("draft")
    return (draft.answers or {}) if draft is not None else {}


def third_party() -> bool:
    """Whether this draft is being filled in by someone reporting for another person."""
    return is_third_party(answers())


def you(self_words: str, their_words: str) -> str:
    """Words for the person it is happening to, or for someone reporting for them."""
    return their_words if third_party() else self_words


@bp.context_processor
def journey_words() -> dict[str, Any]:
    """The public pages' wording helpers, for this blueprint's templates only."""
    return {"third_party": third_party, "you": you}
