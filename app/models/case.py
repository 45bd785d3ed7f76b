"""Officer casework: cases, their linked reports, risk assessments, referrals, contacts, notes and events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.referrals import ReferralConsent, ReferralStatus
from app.domain.working_days import EnhancedRightsCategory
from app.extensions import Model
from app.models.encrypted import EncryptedJSON, EncryptedText
from app.models.types import UTCDateTime, enum_column, utcnow


class CaseStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    AWAITING_CHARGE_DECISION = "awaiting_charge_decision"
    CHARGED = "charged"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "in_progress": "In progress",
            "awaiting_charge_decision": "Awaiting charge decision",
            "charged": "Charged",
            "closed": "Closed",
        }[self.value]


class CaseOutcome(enum.StrEnum):
    NO_FURTHER_ACTION = "no_further_action"
    CHARGED_CONVICTED = "charged_convicted"
    CHARGED_NOT_CONVICTED = "charged_not_convicted"
    OUT_OF_COURT_RESOLUTION = "out_of_court_resolution"
    VICTIM_WITHDREW_SUPPORT = "victim_withdrew_support"
    TRANSFERRED = "transferred"

    @property
    def label(self) -> str:
        return {
            "no_further_action": "No further action",
            "charged_convicted": "Charged: convicted",
            "charged_not_convicted": "Charged: not convicted",
            "out_of_court_resolution": "Out of court resolution",
            "victim_withdrew_support": "Victim withdrew support for a prosecution",
            "transferred": "Transferred to another force or unit",
        }[self.value]


class Case(Model):
    """What officers work: one or more linked reports (one course of conduct), an owner and a status."""

    __tablename__ = "case_file"
    __table_args__ = (
        # The pool ("Cases to pick up"): unowned open cases, most urgent first, then oldest.
        Index("ix_case_file_pool", "owner_id", "status", "priority_rank", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, 30), default=CaseStatus.NEW)
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_column(CaseOutcome, 40))
    # The officer's words are sealed, and deferred so that case lists never load or decrypt them.
    outcome_rationale: Mapped[str | None] = mapped_column(EncryptedText("case_file.outcome_rationale"), deferred=True,
                                                          deferred_group="case_text")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Copied from the origin report's triage priority (1 = most urgent) so the pool sorts on one table.
    priority_rank: Mapped[int] = mapped_column(SmallInteger, default=3)
    # The latest risk assessment's level (standard/medium/high), for supervisors' views.
    risk_level: Mapped[str | None] = mapped_column(String(20), index=True)
    stalking: Mapped[bool] = mapped_column(Boolean, default=True)
    # Victims' Code (domain.md 7): enhanced rights shorten the update timers to 1 working day.
    enhanced_rights: Mapped[bool] = mapped_column(Boolean, default=True)
    enhanced_rights_category: Mapped[EnhancedRightsCategory | None] = mapped_column(
        enum_column(EnhancedRightsCategory, 40))
    enhanced_rights_reason: Mapped[str | None] = mapped_column(EncryptedText("case_file.enhanced_rights_reason"),
                                                               deferred=True, deferred_group="case_text")
    # Until an officer records the decision, timers assume enhanced rights (the shorter deadlines).
    enhanced_rights_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the latest event the victim must be told about happened (opening, a status change).
    update_due_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_victim_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    links: Mapped[list[CaseReport]] = relationship(back_populates="case", order_by="CaseReport.linked_at")

    @property
    def active_links(self) -> list[CaseReport]:
        return [link for link in self.links if link.unlinked_at is None]

    def __repr__(self) -> str:
        return f"<Case {self.id}>"


class CaseReport(Model):
    """A report linked into a case; unlinking keeps the row, with who, when and why."""

    __tablename__ = "case_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    origin: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    link_reason: Mapped[str | None] = mapped_column(EncryptedText("case_report.link_reason"))
    unlinked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unlinked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    unlink_reason: Mapped[str | None] = mapped_column(EncryptedText("case_report.unlink_reason"))

    case: Mapped[Case] = relationship(back_populates="links")


class RiskAssessment(Model):
    """One completed risk checklist; re-assessments add rows, never change them."""

    __tablename__ = "risk_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[int] = mapped_column(Integer)
    # The checklist's answers (health, pregnancy, abuse) and the items that raised the level are sealed.
    answers: Mapped[dict[str, str]] = mapped_column(EncryptedJSON("risk_assessment.answers"), default=dict)
    yes_count: Mapped[int] = mapped_column(Integer)
    not_known_count: Mapped[int] = mapped_column(Integer)
    level_from_count: Mapped[str | None] = mapped_column(String(20))
    automatic_level: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    raised_by: Mapped[list[str]] = mapped_column(EncryptedJSON("risk_assessment.raised_by"), default=list)
    # Set when the officer's judgement chose the level: over an automatic level, or for an unbanded screen.
    judgement_reason: Mapped[str | None] = mapped_column(EncryptedText("risk_assessment.judgement_reason"))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    meets_marac: Mapped[bool] = mapped_column(Boolean, default=False)
    prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    medium_threshold: Mapped[int | None] = mapped_column(Integer)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Referral(Model):
    """A referral to a partner agency, with consent and status dates."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(60))
    partner_name: Mapped[str] = mapped_column(String(120))
    # The consent as it stands now; each time it is recorded again a "referral_consent" case event keeps the history.
    consent: Mapped[ReferralConsent] = mapped_column(enum_column(ReferralConsent))
    # Sealed, and deferred: case lists load referrals for their timers, never these words.
    consent_note: Mapped[str | None] = mapped_column(EncryptedText("referral.consent_note"), deferred=True,
                                                     deferred_group="referral_text")
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), default=ReferralStatus.PROPOSED)
    reason: Mapped[str | None] = mapped_column(EncryptedText("referral.reason"), deferred=True,
                                               deferred_group="referral_text")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ContactAttempt(Model):
    """An attempt to contact the victim: channel, outcome and any unsafe-channel override."""

    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    gave_update: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledgement: Mapped[bool] = mapped_column(Boolean, default=False)
    unsafe_channel_override: Mapped[str | None] = mapped_column(
        EncryptedText("contact_attempt.unsafe_channel_override"))
    summary: Mapped[str | None] = mapped_column(EncryptedText("contact_attempt.summary"))


class CaseNote(Model):
    """An append-only note; a correction is a new note pointing at the one it corrects."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(EncryptedText("case_note.body"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("case_note.id"))


class CaseNoteImmutable(Exception):
    """Raised when anything tries to change a saved case note."""


@event.listens_for(CaseNote, "before_update")
def _refuse_note_update(mapper, connection, target) -> None:
    raise CaseNoteImmutable("Case notes are append-only: add a correction instead")


@event.listens_for(CaseNote, "before_delete")
def _refuse_note_delete(mapper, connection, target) -> None:
    raise CaseNoteImmutable("Case notes are append-only: they cannot be deleted")


class CaseEvent(Model):
    """A change on a case for its timeline: claimed, reassigned, status changed, report linked or unlinked."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[str] = mapped_column(String(300))
    # Free text the officer wrote with the change (an NFA rationale, a reason); staff-only, never audited.
    detail: Mapped[str | None] = mapped_column(EncryptedText("case_event.detail"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
