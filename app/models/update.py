"""Something a victim adds to a report after submitting it; it brings the report back to triage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.answers import Contact
from app.extensions import Model
from app.models.encrypted import EncryptedJSON
from app.models.types import UTCDateTime, utcnow


class ReportUpdate(Model):
    __tablename__ = "report_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What was added besides incident rows and files: new safe-contact rules, a message.
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("report_update.answers"), default=dict)
    triaged: Mapped[bool] = mapped_column(Boolean, default=False)

    def contact(self) -> Contact | None:
        """New safe-contact rules the victim gave with this update, if any."""
        raw = self.answers.get("contact") if isinstance(self.answers, dict) else None
        return Contact.parse(raw) if isinstance(raw, dict) and raw else None
