"""A report: the unit a victim (or a call handler for them) submits."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.answers import Answers, parse_answers
from app.extensions import Model
from app.models.encrypted import EncryptedJSON
from app.models.types import UTCDateTime, enum_column, utcnow


class Channel(enum.StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"online": "Online", "phone": "Phone (101)", "in_person": "In person"}[self.value]


class ReportStatus(enum.StrEnum):
    RECEIVED = "received"
    IN_TRIAGE = "in_triage"
    WITH_OFFICER = "with_officer"
    CLOSED = "closed"

    @property
    def victim_label(self) -> str:
        """Neutral words a victim sees when checking on the report."""
        return {
            "received": "Received",
            "in_triage": "Being looked at",
            "with_officer": "With an officer",
            "closed": "Closed",
        }[self.value]


class Report(Model):
    __tablename__ = "report"
    __table_args__ = (
        # The triage queue's first page: awaiting reports by priority, then age, as one index scan.
        Index("ix_report_triage_queue", "awaiting_triage", "priority_rank", "queued_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(11), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus), default=ReportStatus.RECEIVED)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The answers to the journey's questions, keyed by question; ANSWERS_VERSION says their shape. Sealed, and
    # deferred: lists and queues never load (or decrypt) them; the report's own pages read them when shown.
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("report.answers"), default=dict, deferred=True)
    answers_version: Mapped[int] = mapped_column(SmallInteger, default=1)
    # Queue state: awaiting triage, in priority order (1 = most urgent), then by when it (re)joined.
    awaiting_triage: Mapped[bool] = mapped_column(Boolean, default=True)
    priority_rank: Mapped[int] = mapped_column(SmallInteger, default=3)
    priority_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Lets the victim add to the report or see its status later (argon2 hash, never the passphrase).
    passphrase_hash: Mapped[str | None] = mapped_column(String(255))
    # One submission, one report: a retried or double-clicked submit carries the same key.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Triage claim: one handler at a time; a claim past its expiry is free to take.
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    def parsed_answers(self) -> Answers:
        """The answers, typed, whatever version they were stored in."""
        return parse_answers(self.answers, self.answers_version)

    def __repr__(self) -> str:
        return f"<Report {self.id}>"
