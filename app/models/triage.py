"""A call handler's structured triage decision on a report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.triage import Grade, NextStep
from app.extensions import Model
from app.models.encrypted import EncryptedJSON, EncryptedText
from app.models.types import UTCDateTime, enum_column, utcnow

__all__ = ["Grade", "NextStep", "TriageDecision"]


class TriageDecision(Model):
    __tablename__ = "triage_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The report's version the handler saw: a decision on a report that changed since is refused.
    report_version: Mapped[int] = mapped_column(Integer)
    # threat, harm, risk, investigation, ...: the handler's words, sealed.
    thrive: Mapped[dict[str, str]] = mapped_column(EncryptedJSON("triage_decision.thrive"), default=dict)
    grade: Mapped[Grade] = mapped_column(enum_column(Grade, 40))
    # A report may carry several offences (HOCR): a list of classification codes.
    classifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    safeguarding: Mapped[list[str]] = mapped_column(JSON, default=list)
    next_step: Mapped[NextStep] = mapped_column(enum_column(NextStep, 40))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    rationale: Mapped[str | None] = mapped_column(EncryptedText("triage_decision.rationale"))
    # Free text that goes with the decision (why harassment rather than stalking), sealed.
    details: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("triage_decision.details"), default=dict)
