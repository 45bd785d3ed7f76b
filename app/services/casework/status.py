"""A case's status (and outcome when closed), and the victim's enhanced rights under the Victims' Code."""

from __future__ import annotations

from app.domain.working_days import EnhancedRightsCategory
from app.models import Case, CaseOutcome, CaseStatus
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import case_for_change
from app.services.casework.changes import StaleCase, add_event
from app.services.errors import FieldError
from app.services.transaction import autocommit


@autocommit(stale=StaleCase)
def change_status(case_id: int, actor: Actor, *, status: CaseStatus, expected_version: int,
                  outcome: CaseOutcome | None = None, rationale: str | None = None) -> Case:
    """Move a case to a new status; closing needs an outcome, and no further action needs a rationale."""
    case = case_for_change(case_id, actor, expected_version)
    rationale = (rationale or "").strip() or None
    if status is CaseStatus.CLOSED:
        if outcome is None:
            raise FieldError("outcome", "Select the outcome of the case")
        if outcome is CaseOutcome.NO_FURTHER_ACTION and not rationale:
            raise FieldError("rationale", "Explain why there is no further action")
    elif outcome is not None:
        raise FieldError("outcome", "Only a closed case has an outcome")
    if status is case.status and status is not CaseStatus.CLOSED:
        raise FieldError("status", f"The case is already {status.label.lower()}")
    previous = case.status
    now = utcnow()
    case.status = status
    case.outcome = outcome
    case.outcome_rationale = rationale if status is CaseStatus.CLOSED else None
    case.closed_at = now if status is CaseStatus.CLOSED else None
    # A change of status is news the victim must be told within the Victims' Code time.
    case.update_due_from = now
    summary = f"Status changed from {previous.label.lower()} to {status.label.lower()}"
    if outcome is not None:
        summary += f" (outcome: {outcome.label.lower()})"
    changed = {"from": previous.value, "to": status.value, "outcome": outcome.value if outcome else None}
    add_event(case, actor, "status", summary, detail=rationale if status is CaseStatus.CLOSED else None, data=changed)
    audit.record(actor, "case.status_changed", "case", case.id, details=changed)
    return case


@autocommit(stale=StaleCase)
def record_enhanced_rights(case_id: int, actor: Actor, *, enhanced: bool, category: EnhancedRightsCategory | None,
                           reason: str | None, expected_version: int) -> Case:
    """Record whether the victim has enhanced rights under the Victims' Code, and why."""
    case = case_for_change(case_id, actor, expected_version)
    reason = (reason or "").strip() or None
    if enhanced and category is None:
        raise FieldError("category", "Select why the victim has enhanced rights")
    if not reason:
        raise FieldError("reason", "Explain why" + (" the victim has enhanced rights" if enhanced
                                                     else " the victim does not have enhanced rights"))
    case.enhanced_rights = enhanced
    case.enhanced_rights_category = category if enhanced else None
    case.enhanced_rights_reason = reason
    case.enhanced_rights_recorded_at = utcnow()
    summary = f"Enhanced rights: {category.label}" if enhanced and category else "No enhanced rights"
    recorded = {"enhanced": enhanced, "category": category.value if category and enhanced else None}
    add_event(case, actor, "enhanced_rights", summary, detail=reason, data=recorded)
    audit.record(actor, "case.enhanced_rights_recorded", "case", case.id, details=recorded)
    return case
