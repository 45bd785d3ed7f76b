"""SQLAlchemy 2 typed models. Every schema change is an Alembic migration in migrations/."""

from app.models.audit import AuditEvent
from app.models.case import (
    Case,
    CaseEvent,
    CaseNote,
    CaseNoteImmutable,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    ContactAttempt,
    EnhancedRightsCategory,
    Referral,
    ReferralConsent,
    ReferralStatus,
    RiskAssessment,
)
from app.models.draft import Draft
from app.models.evidence import EvidenceChunk, EvidenceFile, EvidenceStore, ScanStatus
from app.models.incident import Incident
from app.models.person import Person, PersonMatchKey, PersonRole
from app.models.report import Channel, Report, ReportStatus
from app.models.staff import Role, StaffUser
from app.models.triage import Grade, NextStep, TriageDecision
from app.models.update import ReportUpdate

__all__ = [
    "AuditEvent",
    "Case",
    "CaseEvent",
    "CaseNote",
    "CaseNoteImmutable",
    "CaseOutcome",
    "CaseReport",
    "CaseStatus",
    "Channel",
    "ContactAttempt",
    "Draft",
    "EnhancedRightsCategory",
    "EvidenceChunk",
    "EvidenceFile",
    "EvidenceStore",
    "Grade",
    "Incident",
    "NextStep",
    "Person",
    "PersonMatchKey",
    "PersonRole",
    "Referral",
    "ReferralConsent",
    "ReferralStatus",
    "Report",
    "ReportStatus",
    "ReportUpdate",
    "RiskAssessment",
    "Role",
    "ScanStatus",
    "StaffUser",
    "TriageDecision",
]
