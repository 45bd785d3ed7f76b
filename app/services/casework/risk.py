"""Recording risk assessments against the versioned instruments; every assessment is kept."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, has_app_context
from sqlalchemy import select

from app.domain.criteria import Relationship
from app.domain.errors import DomainError
from app.domain.instruments import Instrument, RiskLevel, available_instruments, load_instrument
from app.domain.risk import Override, RiskResult, score
from app.extensions import db
from app.models import Case, CaseReport, Report, RiskAssessment
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import case_for_change
from app.services.casework.changes import StaleCase
from app.services.errors import FieldError, NotFound
from app.services.transaction import autocommit


def instruments() -> list[Instrument]:
    """Return the latest version of every instrument."""
    return [load_instrument(instrument_id) for instrument_id in available_instruments()]


def instrument(instrument_id: str) -> Instrument:
    """Return the latest version of one instrument, or raise NotFound."""
    if instrument_id not in available_instruments():
        raise NotFound("There is no such risk checklist")
    return load_instrument(instrument_id)


def medium_threshold(inst: Instrument) -> int | None:
    """Return the force's configured medium threshold for a banded instrument with a medium band."""
    if inst.bands is None or not any(band.level is RiskLevel.MEDIUM for band in inst.bands):
        return None
    return current_app.config.get("RISK_MEDIUM_THRESHOLD") if has_app_context() else None


def _domestic(case: Case) -> bool:
    report = db.session.scalar(
        select(Report).join(CaseReport, CaseReport.report_id == Report.id)
        .where(CaseReport.case_id == case.id, CaseReport.unlinked_at.is_(None))
        .order_by(CaseReport.origin.desc(), Report.received_at).limit(1)
    )
    known = report.parsed_answers().suspect.relationship if report else None
    if known is None:
        return True  # unknown or unanswered: keep the domestic-abuse prompts (MARAC, IDVA) rather than lose them
    return known.is_domestic or known is Relationship.NOT_KNOWN


def preview(case: Case, inst: Instrument, answers: Mapping[str, str]) -> RiskResult:
    """Score answers without saving, to show the count and level while the officer decides."""
    return score(inst, answers, medium_threshold(inst), stalking_case=case.stalking, domestic=_domestic(case))


@autocommit(stale=StaleCase)
def record_assessment(case_id: int, actor: Actor, *, instrument_id: str, answers: Mapping[str, str],
                      expected_version: int, judgement_level: str | None = None,
                      judgement_reason: str | None = None) -> RiskAssessment:
    """Score and keep an assessment; judgement is needed for unbanded instruments, and reasons for overrides."""
    case = case_for_change(case_id, actor, expected_version)
    inst = instrument(instrument_id)
    missing = [item.id for item in inst.items if answers.get(item.id) not in {"yes", "no", "not_known"}]
    if missing:
        raise FieldError(f"item_{missing[0]}", "Answer every question: yes, no or not known")
    reason = (judgement_reason or "").strip()
    level = RiskLevel(judgement_level) if judgement_level else None
    automatic = preview(case, inst, answers)

    if level is None and automatic.needs_judgement:
        if automatic.automatic_level is None:
            message = (f"This checklist has no score bands: {automatic.yes_count} yes answers. "
                       "Choose the risk level in your professional judgement")
        else:
            message = "The answers include warning signs: choose the risk level in your professional judgement"
        raise FieldError("judgement_level", message)
    override = None
    if level is not None and (level is not automatic.automatic_level or automatic.needs_judgement):
        if not reason:
            raise FieldError("judgement_reason", "Give the reason for your professional judgement")
        override = Override(level, reason)
    try:
        result = score(inst, answers, medium_threshold(inst), override,
                       stalking_case=case.stalking, domestic=_domestic(case))
    except DomainError as error:
        raise FieldError("judgement_reason", str(error)) from None

    final_level = result.level
    if final_level is None:
        raise FieldError("judgement_level", "Choose the risk level in your professional judgement")
    assessment = RiskAssessment(
        case_id=case.id,
        instrument_id=inst.id,
        instrument_version=inst.version,
        answers={item.id: answers[item.id] for item in inst.items},
        yes_count=result.yes_count,
        not_known_count=result.not_known_count,
        level_from_count=result.level_from_count.value if result.level_from_count else None,
        automatic_level=result.automatic_level.value if result.automatic_level else None,
        level=final_level.value,
        raised_by=list(result.raised_by),
        judgement_reason=override.reason if override else None,
        overridden=override is not None and result.automatic_level is not None
        and override.level is not result.automatic_level,
        meets_marac=result.meets_marac,
        prompts=list(result.prompts),
        medium_threshold=medium_threshold(inst),
        assessed_by_id=actor.staff_id,
    )
    db.session.add(assessment)
    case.risk_level = final_level.value
    db.session.flush()
    audit.record(actor, "case.risk_assessed", "case", case.id, details={
        "assessment_id": assessment.id, "instrument": inst.id, "version": inst.version,
        "level": assessment.level, "overridden": assessment.overridden, "yes_count": assessment.yes_count,
    })
    return assessment
