"""An unfinished report, kept server-side and deleted on expiry or submission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.encrypted import EncryptedJSON
from app.models.types import UTCDateTime, utcnow


class Draft(Model):
    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the random token in the session cookie: a copy of the database cannot resume a draft.
    session_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Save and come back: a keyed hash of the readable return code (the code itself is shown to the person once and
    # never stored) and an argon2 hash of the passphrase they chose.
    return_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    passphrase_hash: Mapped[str | None] = mapped_column(String(255))
    saved: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_resumes: Mapped[int] = mapped_column(Integer, default=0)
    # Every answer so far, keyed by question, incidents included (a list under "incidents").
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("draft.answers"), default=dict)
    # Idempotency: the key the eventual report is created with, so a retried submit finds it.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
