"""Test data that puts words in every encrypted column, through the real services (no hand-made rows).

`fill_every_sealed_column()` returns the distinctive words it used, so tests can look for them in raw storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.triage import Classification, DecisionInput
from app.extensions import db
from app.models import (
    Case,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    Channel,
    EnhancedRightsCategory,
    Grade,
    NextStep,
    ReferralConsent,
    Report,
    Role,
)
from app.models.encrypted import Encrypted
from app.services import drafts, report_updates, reports, triage
from app.services.actor import Actor
from app.services.casework import contacts, links, notes, referrals, risk
from app.services.casework import status as case_status
from app.services.casework.risk import instrument
from tests.factories import as_actor, make_staff
from tests.staff_fixtures import make_enrolled_staff

# Every value here is distinctive, so finding it in raw storage can only mean it was stored in clear.
WORDS = {
    "victim_name": "Philippa Quenby-Ardwick",
    "victim_address": "14 Larkspur Mews, Otterbridge",
    "victim_postcode": "OT4 9QZ",
    "victim_phone": "07700 900461",
    "victim_email": "philippa.quenby@example.org",
    "suspect_name": "Desmond Vauxhall-Trent",
    "suspect_alias": "Dezzy Trentham",
    "suspect_age": "about 47",
    "suspect_address": "9 Quarry Bank Terrace",
    "suspect_postcode": "OT7 2XB",
    "suspect_description": "Walks with a limp and wears a green parka",
    "incident_when": "the Tuesday after the carnival",
    "incident_what": "Left a dead magpie on my doormat",
    "incident_where": "My front step on Larkspur Mews",
    "incident_witnesses": "Mrs Okonkwo-Baptiste next door",
    "incident_evidence": "Ring doorbell clip saved to my laptop",
    "code_word": "marmalade-heron",
    "draft_words": "He follows my sister's car every morning",
    "update_phone": "07700 900777",
    "thrive_threat": "Fixated former partner who tracks her phone",
    "triage_rationale": "Escalating since the separation in spring",
    "harassment_reason": "No fixation shown in the messages to her employer",
    "link_reason": "Same magpie incidents reported by her brother",
    "unlink_reason": "Brother's report concerns a different neighbour",
    "risk_reason": "Strangulation disclosed during the call",
    "consent_note": "Too frightened to talk while he is nearby",
    "referral_reason": "Needs an advocate before the court date",
    "contact_summary": "Spoke to her at the library about the magpie",
    "override_reason": "She asked by text to be texted back today",
    "note_body": "Neighbour Mrs Okonkwo-Baptiste will give a statement",
    "enhanced_reason": "Persistently targeted over eighteen months",
    "outcome_rationale": "Victim moved away and the suspect is abroad",
}
DASH = "dash"


@dataclass
class Filled:
    """What was made: ids to look things up by, and the secrets that must never be stored in clear."""

    report_id: int
    second_report_id: int
    case_id: int
    draft_id: int
    officer_id: int
    handler_id: int
    totp_secret: str
    return_code: str
    words: dict[str, str] = field(default_factory=lambda: dict(WORDS))


def report_answers(words: dict[str, str] = WORDS) -> dict:
    """A report's answers that use the words above."""
    return {
        "danger": "no",
        "behaviours": {"selected": ["following", "gifts"], "most_recent": "yesterday"},
        "incidents": [{"id": "a", "when": words["incident_when"], "sort_date": "2025-03-04",
                       "what": words["incident_what"], "where": words["incident_where"],
                       "witnesses": words["incident_witnesses"], "evidence": words["incident_evidence"]}],
        "suspect": {"name": words["suspect_name"], "other_names": words["suspect_alias"],
                    "age_or_dob": words["suspect_age"], "address": words["suspect_address"],
                    "postcode": words["suspect_postcode"], "relationship": "ex_partner",
                    "description": words["suspect_description"]},
        "about_you": {"name": words["victim_name"], "date_of_birth": "1983-11-19",
                      "address": words["victim_address"], "postcode": words["victim_postcode"]},
        "contact": {"safe": "some_ways", "ways": ["call", "email"], "phone": words["victim_phone"],
                    "email": words["victim_email"], "voicemail": "no", "code_word": words["code_word"],
                    "accounts_accessed": "no"},
    }


def _version(case_id: int) -> int:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case is not None
    return case.version


def fill_every_sealed_column() -> Filled:
    """A report with people and an incident, an update, a saved draft, an enrolled staff member, a triage
    decision, and a case with a link and unlink, a risk assessment, a referral, a contact, a note, enhanced
    rights and a closing rationale."""
    w = WORDS
    handler = make_staff(role=Role.CALL_HANDLER)
    officer = make_enrolled_staff(role=Role.OFFICER)
    report = reports.submit_report(report_answers(), channel=Channel.ONLINE, actor=Actor.victim(),
                                   submission_key="k" * 64, passphrase="violet tractor lantern")
    second = reports.submit_report({"suspect": {"name": w["suspect_name"]}}, channel=Channel.PHONE,
                                   actor=as_actor(handler), submission_key="m" * 64)
    report_updates.change_contact_rules(report.id, {"safe": "some_ways", "ways": ["call"], "phone": w["update_phone"]})

    draft, _ = drafts.start_draft()
    drafts.save_section(draft, "impact", {"details": w["draft_words"]})
    saved = drafts.save_for_later(draft, "quiet orchard bicycle")

    db.session.refresh(report)
    decision = DecisionInput(
        grade=Grade.PRIORITY, classifications=(Classification.HARASSMENT_S2,), next_step=NextStep.NAMED_OFFICER,
        thrive={"threat": w["thrive_threat"], "risk": "High"}, harassment_reason=w["harassment_reason"],
        assigned_to_id=officer.id, rationale=w["triage_rationale"])
    triage.record_decision(report.id, as_actor(handler), decision, seen_version=report.version,
                           seen_update_id=triage.latest_update_id(report.id))
    case_id = db.session.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id))
    assert case_id is not None
    actor = as_actor(officer)

    second_ref = db.session.get(Report, second.id).reference
    link = links.link_report(case_id, actor, reference=second_ref, reason=w["link_reason"],
                             expected_version=_version(case_id))
    links.unlink_report(case_id, link.id, actor, reason=w["unlink_reason"], expected_version=_version(case_id))
    answers = {item.id: "no" for item in instrument(DASH).items}
    risk.record_assessment(case_id, actor, instrument_id=DASH, answers=answers, expected_version=_version(case_id),
                           judgement_level="high", judgement_reason=w["risk_reason"])
    referrals.make_referral(case_id, actor, partner_code="paladin", consent=ReferralConsent.NOT_ASKED,
                            consent_note=w["consent_note"], reason=w["referral_reason"],
                            expected_version=_version(case_id))
    contacts.record_contact(case_id, actor, channel="text", outcome="message_sent", summary=w["contact_summary"],
                            gave_update=True, acknowledgement=False, override_reason=w["override_reason"],
                            expected_version=_version(case_id))
    notes.add_note(case_id, actor, body=w["note_body"])
    case_status.record_enhanced_rights(case_id, actor, enhanced=True,
                                       category=EnhancedRightsCategory.PERSISTENTLY_TARGETED,
                                       reason=w["enhanced_reason"], expected_version=_version(case_id))
    case_status.change_status(case_id, actor, status=CaseStatus.CLOSED, outcome=CaseOutcome.NO_FURTHER_ACTION,
                              rationale=w["outcome_rationale"], expected_version=_version(case_id))
    db.session.expire_all()
    return Filled(report_id=report.id, second_report_id=second.id, case_id=case_id, draft_id=draft.id,
                  officer_id=officer.id, handler_id=handler.id, totp_secret=officer.totp_secret or "",
                  return_code=saved.return_code)


def read_everything() -> dict[str, list]:
    """Every value of every sealed column, opened (raises KeyRingError if any cannot be)."""
    db.session.expire_all()
    values = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
        if columns:
            rows = db.session.execute(select(table.c.id, *columns).order_by(table.c.id)).all()
            values[table.name] = [tuple(row) for row in rows]
    return values
