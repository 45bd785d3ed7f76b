"""Referrals to partner agencies: consent, status with dates, and the summary a partner receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select

from app.domain import referrals as rules
from app.domain.referrals import (
    CONSENT_OPEN,
    NATIONAL_PARTNERS,
    TRANSITIONS,
    Partner,
    ReferralConsent,
    ReferralStatus,
    parse_local_partners,
)
from app.domain.safe_contact import SafeContactRules
from app.extensions import db
from app.models import Referral, Report, RiskAssessment, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.casework.access import can_view, case_for_change, get_case
from app.services.casework.changes import StaleCase, add_event
from app.services.casework.victim_contact import rules_for_case
from app.services.errors import FieldError, Forbidden, NotFound
from app.services.transaction import autocommit


def partners() -> tuple[Partner, ...]:
    """Return the national partners followed by the force's local services."""
    local = current_app.config.get("LOCAL_REFERRAL_PARTNERS") if has_app_context() else None
    return NATIONAL_PARTNERS + parse_local_partners(local)


def partner(code: str) -> Partner:
    """Return one partner by code."""
    for candidate in partners():
        if candidate.code == code:
            return candidate
    raise FieldError("partner", "Select a partner agency")


def consent_needed_to_send(partner_code: str) -> bool:
    """Whether a referral to this partner waits for the victim's consent, among this force's partners."""
    return rules.consent_needed_to_send(_known(partner_code))


def may_send(partner_code: str, consent: ReferralConsent) -> bool:
    """Whether a referral with this consent may be sent to this force's partner."""
    return rules.may_send(_known(partner_code), consent)


def _known(partner_code: str) -> Partner | None:
    return next((p for p in partners() if p.code == partner_code), None)


def _consent_note(consent: ReferralConsent, note: str | None) -> str | None:
    """Return the trimmed note, refusing a refusal or a "not asked" without the reason."""
    note = (note or "").strip() or None
    if consent is not ReferralConsent.GIVEN and not note:
        word = "refused" if consent is ReferralConsent.REFUSED else "not asked"
        raise FieldError("consent_note", f"Explain why consent was {word}")
    return note


@autocommit(stale=StaleCase)
def make_referral(case_id: int, actor: Actor, *, partner_code: str, consent: ReferralConsent,
                  consent_note: str | None, reason: str | None, expected_version: int) -> Referral:
    """Propose a referral, recording the victim's consent (and why, when not given)."""
    case = case_for_change(case_id, actor, expected_version)
    chosen = partner(partner_code)
    consent_note = _consent_note(consent, consent_note)
    now = utcnow()
    referral = Referral(case_id=case.id, partner=chosen.code, partner_name=chosen.name, consent=consent,
                        consent_note=consent_note, consent_recorded_at=now, consent_recorded_by_id=actor.staff_id,
                        reason=(reason or "").strip() or None,
                        status=ReferralStatus.PROPOSED, proposed_at=now, created_by_id=actor.staff_id)
    db.session.add(referral)
    db.session.flush()
    audit.record(actor, "case.referral_made", "case", case.id,
                 details={"referral_id": referral.id, "partner": chosen.code, "consent": consent.value})
    return referral


def get_referral(case_id: int, referral_id: int) -> Referral:
    """Return a case's referral or raise NotFound."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.case_id != case_id:
        raise NotFound("There is no such referral")
    return referral


@autocommit(stale=StaleCase)
def change_referral_status(case_id: int, referral_id: int, actor: Actor, *, status: ReferralStatus,
                           expected_version: int) -> Referral:
    """Move a referral on (proposed, sent, accepted or declined), dating each step."""
    case = case_for_change(case_id, actor)
    referral = get_referral(case_id, referral_id)
    if referral.version != expected_version:
        raise StaleCase("Someone else changed this referral after you opened it. Check it and try again.")
    if status not in TRANSITIONS[referral.status]:
        raise FieldError("status", f"A {referral.status.label.lower()} referral cannot become {status.label.lower()}")
    if status is ReferralStatus.SENT and not may_send(referral.partner, referral.consent):
        raise FieldError("status", f"The victim has not consented: a referral to {referral.partner_name} "
                                   "cannot be sent without consent. Record their consent first.")
    now = utcnow()
    previous = referral.status
    referral.status = status
    if status is ReferralStatus.SENT:
        referral.sent_at = now
    elif status is ReferralStatus.ACCEPTED:
        referral.accepted_at = now
    else:
        referral.declined_at = now
    add_event(case, actor, "referral_status", f"Referral to {referral.partner_name}: {status.label.lower()}",
              data={"referral_id": referral.id, "from": previous.value, "to": status.value})
    audit.record(actor, "case.referral_status_changed", "case", case.id,
                 details={"referral_id": referral.id, "from": previous.value, "to": status.value})
    return referral


@autocommit(stale=StaleCase)
def record_consent(case_id: int, referral_id: int, actor: Actor, *, consent: ReferralConsent,
                   consent_note: str | None, expected_version: int) -> Referral:
    """Record the victim's consent again (asked later, given, refused or withdrawn), keeping the history."""
    case = case_for_change(case_id, actor)
    referral = get_referral(case_id, referral_id)
    if referral.version != expected_version:
        raise StaleCase("Someone else changed this referral after you opened it. Your answer was not saved: "
                        "check the referral as it is now, then record the consent again.")
    if referral.status not in CONSENT_OPEN:
        raise FieldError("consent", f"This referral was {referral.status.label.lower()}: "
                                    "make a new referral to record consent for it")
    consent_note = _consent_note(consent, consent_note)
    previous, previous_note = referral.consent, referral.consent_note
    referral.consent = consent
    referral.consent_note = consent_note
    referral.consent_recorded_at = utcnow()
    referral.consent_recorded_by_id = actor.staff_id
    # The event keeps what the consent was before, so the timeline still shows the consent the referral was made with.
    add_event(case, actor, "referral_consent",
              f"Consent to the referral to {referral.partner_name}: {consent.label.lower()}"
              f" (was {previous.label.lower()})",
              detail=consent_note,
              data={"referral_id": referral.id, "from": previous.value, "to": consent.value,
                    "from_note": previous_note})
    # No note in the audit: it may hold what the victim said.
    audit.record(actor, "case.referral_consent_recorded", "case", case.id,
                 details={"referral_id": referral.id, "partner": referral.partner, "from": previous.value,
                          "to": consent.value})
    return referral


def partner_must_be_told(referral: Referral) -> bool:
    """Whether a partner already holds a referral the victim no longer consents to, so the officer must tell them."""
    return rules.partner_must_be_told(referral.status, _known(referral.partner), referral.consent)


@dataclass(frozen=True)
class ReferralSummary:
    """Only what the partner needs: who to contact and how, the risk, consent and the reason."""

    referral: Referral
    officer_name: str
    victim_name: str
    safe_contact: SafeContactRules
    assessment: RiskAssessment | None
    children_in_household: str
    produced_at: datetime


@autocommit
def referral_summary(case_id: int, referral_id: int, actor: Actor) -> ReferralSummary:
    """Return the printable referral summary, auditing that it was produced."""
    case = get_case(case_id)
    if not can_view(case, actor):
        raise Forbidden("You cannot see this case")
    referral = get_referral(case_id, referral_id)
    origin = next((link for link in case.active_links if link.origin), None) or next(iter(case.active_links), None)
    report = db.session.get(Report, origin.report_id) if origin is not None else None
    answers = report.parsed_answers() if report is not None else None
    assessment = db.session.scalar(
        select(RiskAssessment).where(RiskAssessment.case_id == case.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()).limit(1)
    )
    officer = db.session.get(StaffUser, case.owner_id) if case.owner_id else None
    audit.record(actor, "case.referral_summary_viewed", "case", case.id, details={"referral_id": referral.id})
    in_household = answers.children.in_household if answers else None
    return ReferralSummary(
        referral=referral,
        officer_name=officer.name if officer else actor.name,
        victim_name=(answers.about_you.name if answers else "") or "Not given",
        safe_contact=rules_for_case(case),
        assessment=assessment,
        children_in_household=in_household.label if in_household and in_household.value != "not_sure"
        else "Not known",
        produced_at=utcnow(),
    )
