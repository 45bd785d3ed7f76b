"""Triage decisions: the classifications, grades and next steps, and the rules a decision must meet."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Grade(enum.StrEnum):
    EMERGENCY = "emergency"
    PRIORITY = "priority"
    SCHEDULED = "scheduled"
    RESOLUTION_WITHOUT_DEPLOYMENT = "resolution_without_deployment"


class NextStep(enum.StrEnum):
    OFFICER_POOL = "officer_pool"
    NAMED_OFFICER = "named_officer"
    REFER_ONLY = "refer_only"
    NO_FURTHER_ACTION = "no_further_action"


class Classification(enum.StrEnum):
    """What triage records the report as; a report may carry several (HOCR)."""

    STALKING_S4A = "s4A"
    STALKING_S2A = "s2A"
    HARASSMENT_S4 = "s4"
    HARASSMENT_S2 = "s2"
    OTHER_OFFENCE = "other_offence"
    NON_CRIME_DOMESTIC = "non_crime_domestic"
    NO_OFFENCE = "no_offence"

    @property
    def label(self) -> str:
        """The words on the decision form."""
        return _CLASSIFICATION_LABELS[self]


_CLASSIFICATION_LABELS = {
    Classification.STALKING_S4A: "Stalking involving fear of violence or serious alarm or distress (s4A)",
    Classification.STALKING_S2A: "Stalking (s2A)",
    Classification.HARASSMENT_S4: "Harassment putting people in fear of violence (s4)",
    Classification.HARASSMENT_S2: "Harassment (s2)",
    Classification.OTHER_OFFENCE: "Another offence",
    Classification.NON_CRIME_DOMESTIC: "Non-crime domestic incident",
    Classification.NO_OFFENCE: "No offence",
}
STALKING = {Classification.STALKING_S2A, Classification.STALKING_S4A}
HARASSMENT = {Classification.HARASSMENT_S2, Classification.HARASSMENT_S4}
THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
SAFEGUARDING = {"children": "Children at risk", "adult_at_risk": "Adult at risk"}
GRADE_LABELS = {
    Grade.EMERGENCY: "Emergency",
    Grade.PRIORITY: "Priority",
    Grade.SCHEDULED: "Scheduled",
    Grade.RESOLUTION_WITHOUT_DEPLOYMENT: "Resolution without deployment",
}
NEXT_STEP_LABELS = {
    NextStep.OFFICER_POOL: "Send to the officer pool",
    NextStep.NAMED_OFFICER: "Assign to a named officer or VEO",
    NextStep.REFER_ONLY: "Refer to a partner agency only",
    NextStep.NO_FURTHER_ACTION: "No further action",
}


@dataclass(frozen=True)
class DecisionInput:
    """A triage decision as the form collected it."""

    grade: Grade | None
    classifications: tuple[Classification, ...]
    next_step: NextStep | None
    thrive: dict[str, str] = field(default_factory=dict)
    safeguarding: tuple[str, ...] = ()
    harassment_reason: str = ""
    assigned_to_id: int | None = None
    rationale: str = ""


def decision_problems(decision: DecisionInput) -> dict[str, str]:
    """Rules a decision must meet, as field -> message (empty when it is complete)."""
    problems: dict[str, str] = {}
    if decision.grade is None:
        problems["grade"] = "Select a grade"
    if decision.next_step is None:
        problems["next_step"] = "Select the next step"
    chosen = set(decision.classifications)
    if not chosen:
        problems["classifications"] = "Select at least one classification"
    elif chosen & HARASSMENT and not chosen & STALKING and not decision.harassment_reason.strip():
        # HOCR and the College of Policing: think stalking first; harassment only with a reason.
        problems["harassment_reason"] = "Explain why this is harassment rather than stalking"
    if Classification.NO_OFFENCE in chosen and len(chosen) > 1:
        problems["classifications"] = "Select no offence on its own, or remove it"
    if decision.next_step is NextStep.NAMED_OFFICER and decision.assigned_to_id is None:
        problems["assigned_to"] = "Select the officer or VEO to assign the report to"
    if decision.next_step is NextStep.NO_FURTHER_ACTION and not decision.rationale.strip():
        problems["rationale"] = "Explain why no further action is needed"
    return problems


