"""One dated (or approximately dated) event in a report's incident log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.encrypted import EncryptedText
from app.models.types import UTCDateTime, utcnow


class Incident(Model):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_report_order", "report_id", "sort_date", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    # Set when a victim added this incident later, as an update to a submitted report.
    update_id: Mapped[int | None] = mapped_column(ForeignKey("report_update.id", ondelete="SET NULL"))
    # As the person gave it ("about March 2025"), sealed, and the earliest date it can mean, clear: the report's
    # incident list is ordered by it in the database (a date alone names nobody).
    when_text: Mapped[str | None] = mapped_column(EncryptedText("incident.when_text"))
    sort_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(EncryptedText("incident.description"))
    location: Mapped[str | None] = mapped_column(EncryptedText("incident.location"))
    witnesses: Mapped[str | None] = mapped_column(EncryptedText("incident.witnesses"))
    evidence_held: Mapped[str | None] = mapped_column(EncryptedText("incident.evidence_held"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
