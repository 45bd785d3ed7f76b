"""Draft service rules, and the approximate-date reading the incident log sorts by."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.approx_dates import parse_approximate_date
from app.extensions import db
from app.models import Draft
from app.models.types import utcnow
from app.services import drafts

TODAY = date(2025, 6, 18)  # a Wednesday


@pytest.mark.parametrize(("text", "expected"), [
    ("3 March 2025", date(2025, 3, 3)),
    ("3rd March 2025", date(2025, 3, 3)),
    ("about March 2025", date(2025, 3, 1)),
    ("early mar 2025", date(2025, 3, 1)),
    ("March 3 2025", date(2025, 3, 3)),
    ("3/4/2025", date(2025, 4, 3)),
    ("03-04-25", date(2025, 4, 3)),
    ("2025-04-03", date(2025, 4, 3)),
    ("around 2024", date(2024, 1, 1)),
    ("summer 2024", date(2024, 6, 1)),
    ("last summer", date(2024, 6, 1)),
    ("last winter", date(2024, 12, 1)),
    ("today", TODAY),
    ("yesterday", date(2025, 6, 17)),
    ("2 weeks ago", date(2025, 6, 4)),
    ("last week", date(2025, 6, 9)),
    ("last month", date(2025, 5, 1)),
    ("last year", date(2024, 1, 1)),
    ("March", date(2025, 3, 1)),
    ("December", date(2024, 12, 1)),
    ("31/2/2025", None),
    ("I can't remember", None),
    ("", None),
])
def test_approximate_dates_give_the_earliest_date_they_can_mean(text, expected):
    assert parse_approximate_date(text, TODAY) == expected


def test_a_new_draft_expires_after_the_idle_time(app_ctx):
    draft, token = drafts.start_draft()
    assert drafts.find_draft(token).id == draft.id
    assert timedelta(minutes=29) < draft.expires_at - utcnow() <= timedelta(minutes=30)
    assert draft.session_token_hash != token and len(token) >= 40


def test_an_expired_draft_is_deleted_when_found(app_ctx):
    draft, token = drafts.start_draft()
    draft.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(drafts.DraftExpired):
        drafts.find_draft(token)
    assert db.session.scalar(select(func.count(Draft.id))) == 0


def test_saved_draft_keeps_its_expiry_and_resume_counts_failures(app_ctx):
    draft, _ = drafts.start_draft()
    saved = drafts.save_for_later(draft, "a long passphrase")
    assert saved.expires_at - utcnow() > timedelta(days=29)
    for _ in range(drafts.MAX_FAILED_RESUMES):
        with pytest.raises(drafts.ResumeFailed):
            drafts.resume(saved.return_code, "wrong")
    # Locked after too many failures, even with the right passphrase.
    with pytest.raises(drafts.ResumeFailed):
        drafts.resume(saved.return_code, "a long passphrase")


def test_resume_resets_failures_and_issues_a_new_token(app_ctx):
    draft, old = drafts.start_draft()
    saved = drafts.save_for_later(draft, "a long passphrase")
    with pytest.raises(drafts.ResumeFailed):
        drafts.resume(saved.return_code, "wrong")
    resumed, token = drafts.resume(saved.return_code, "a long passphrase")
    assert resumed.id == draft.id and token != old and resumed.failed_resumes == 0
    assert drafts.find_draft(old) is None


def test_purge_keeps_live_drafts(app_ctx):
    live, _ = drafts.start_draft()
    stale, _ = drafts.start_draft()
    stale.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert drafts.purge_expired() == 1
    assert [d.id for d in db.session.scalars(select(Draft))] == [live.id]
