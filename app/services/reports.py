"""Submitting a report: one transaction from the answers (app.domain.answers) to the normalised rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.crypto import lookup_secret
from app.domain import uk_time
from app.domain.answers import ANSWERS_VERSION, Answers, IncidentAnswer, parse_answers, upgrade
from app.domain.approx_dates import parse_approximate_date
from app.domain.criteria import Feeling
from app.domain.matching import keyed_hash, match_keys
from app.domain.priority import Danger, ReportFacts, assess_priority
from app.domain.reference import new_reference
from app.extensions import db
from app.models import Channel, Draft, EvidenceFile, Incident, Person, PersonMatchKey, PersonRole, Report
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.passwords import hash_password
from app.services.sla import triage_due
from app.services.transaction import autocommit


def match_secret() -> bytes:
    """The key for matching hashes: MATCHING_KEY, else derived from SECRET_KEY (never the signing key itself)."""
    # A separate MATCHING_KEY lets a force rotate SECRET_KEY without losing every repeat match.
    return lookup_secret(b"person-match-keys")


def days_since_last_incident(answers: Answers, today: date) -> int | None:
    """Days since the most recent dated incident or "most recent time" answer."""
    dates = [item.sort_date for item in answers.incidents]
    dates.append(parse_approximate_date(answers.behaviours.most_recent, today))
    known = [d for d in dates if d is not None and d <= today]
    return (today - max(known)).days if known else None


def repeat_suspect_reports(key_hashes: set[str], exclude_report_id: int | None = None) -> int:
    """How many other reports name a suspect with one of these match keys."""
    if not key_hashes:
        return 0
    query = select(func.count(func.distinct(PersonMatchKey.report_id))).where(
        PersonMatchKey.role == PersonRole.SUSPECT, PersonMatchKey.key_hash.in_(key_hashes))
    if exclude_report_id is not None:
        query = query.where(PersonMatchKey.report_id != exclude_report_id)
    return db.session.scalar(query) or 0


def report_facts(answers: Answers, *, repeat_reports: int = 0, today: date | None = None) -> ReportFacts:
    """The facts the queue priority depends on, read from the answers."""
    today = today or uk_time.today()
    return ReportFacts(
        in_danger_now=answers.danger or Danger.NO,
        behaviours=frozenset(answers.behaviours.selected),
        weapons_access=answers.suspect.weapons == "yes",
        children_at_risk=answers.children.concerns == "yes",
        children_used=answers.children.children_used == "yes",
        order_broken=answers.orders.broken == "yes",
        frequency_increasing=answers.behaviours.increasing == "yes",
        days_since_last_incident=days_since_last_incident(answers, today),
        feared_violence=Feeling.AFRAID_OF_VIOLENCE in answers.criteria.feelings,
        incident_count=len(answers.incidents),
        repeat_suspect_reports=repeat_reports,
    )


def _hashes(role: PersonRole, names: list[str], person: Person, secret: bytes) -> set[str]:
    hashes: set[str] = set()
    for name in filter(None, names):
        keys = match_keys(name, person.date_of_birth, person.postcode, person.address)
        hashes |= {keyed_hash(key, secret) for key in keys}
    return hashes


def _people(report: Report, answers: Answers) -> set[str]:
    """Add victim and suspect Person rows with hashed match keys; returns the suspect's key hashes."""
    secret = match_secret()
    you = answers.about_you
    them = answers.suspect
    victim = Person(report_id=report.id, role=PersonRole.VICTIM, name=you.name or None,
                    date_of_birth=you.date_of_birth, address=you.address or None, postcode=you.postcode or None)
    suspect_dob = them.date_of_birth
    suspect = Person(report_id=report.id, role=PersonRole.SUSPECT, name=them.name or None,
                     other_names=them.other_names or None, date_of_birth=suspect_dob,
                     age_text=(them.age_or_dob or None) if not suspect_dob else None,
                     address=them.address or None, postcode=them.postcode or None,
                     relationship_to_victim=them.relationship.value if them.relationship else None,
                     description=them.description or None)
    victim_hashes = _hashes(PersonRole.VICTIM, [you.name], victim, secret)
    suspect_hashes = _hashes(PersonRole.SUSPECT, [them.name, *them.aliases], suspect, secret)
    for person, hashes in ((victim, victim_hashes), (suspect, suspect_hashes)):
        db.session.add(person)
        for key_hash in sorted(hashes):
            person.match_keys.append(PersonMatchKey(report_id=report.id, role=person.role, key_hash=key_hash))
    return suspect_hashes


def incident_row(item: IncidentAnswer, *, report_id: int, update_id: int | None = None) -> Incident:
    """An Incident row from one incident answer."""
    return Incident(report_id=report_id, update_id=update_id, when_text=item.when or None, sort_date=item.sort_date,
                    description=item.what or None, location=item.where or None,
                    witnesses=item.witnesses or None, evidence_held=item.evidence or None)


def _existing(submission_key: str) -> Report | None:
    return db.session.scalar(select(Report).where(Report.submission_key == submission_key))


def submitted(submission_key: str | None) -> Report | None:
    """The report a submission key made, if it was sent (a double click or refresh after Send)."""
    return _existing(submission_key) if submission_key else None


def submitted_by_id(report_id: int | None) -> Report | None:
    """The report this session just sent, for its confirmation page."""
    return db.session.get(Report, report_id) if isinstance(report_id, int) else None


@autocommit
def submit_report(raw_answers: dict[str, Any], *, channel: Channel, actor: Actor, submission_key: str,
                  passphrase: str | None = None, draft: Draft | None = None) -> Report:
    """Create the report with its people, incidents, evidence and priority; a retried submission returns the first.

    Call it as a use case of its own (never inside another): a clash on the submission key is answered by
    rolling back and returning the report the first attempt made.
    """
    existing = _existing(submission_key)
    if existing is not None:
        return existing
    stored = upgrade(raw_answers, ANSWERS_VERSION)
    answers = parse_answers(stored)
    now = utcnow()
    report = Report(reference=_unused_reference(), channel=channel, received_at=now,
                    answers=stored, answers_version=ANSWERS_VERSION, awaiting_triage=True, queued_at=now,
                    passphrase_hash=hash_password(passphrase) if passphrase else None,
                    submission_key=submission_key, taken_by_id=actor.staff_id)
    db.session.add(report)
    try:
        db.session.flush()  # a second submit with the same key fails here, before any other row
    except IntegrityError:
        db.session.rollback()
        existing = _existing(submission_key)
        if existing is None:
            raise
        return existing
    suspect_hashes = _people(report, answers)
    for item in answers.incidents:
        db.session.add(incident_row(item, report_id=report.id))
    files = list(db.session.scalars(select(EvidenceFile).where(EvidenceFile.draft_id == draft.id))) \
        if draft is not None else []
    for row in files:
        row.draft_id = None
        row.report_id = report.id
    db.session.flush()
    repeat = repeat_suspect_reports(suspect_hashes, exclude_report_id=report.id)
    assessment = assess_priority(report_facts(answers, repeat_reports=repeat, today=uk_time.today()))
    report.priority_rank = assessment.priority.rank
    report.priority_reasons = list(assessment.reasons)
    report.sla_due_at = triage_due(now, assessment.priority)
    audit.record(actor, "report.submit", "report", report.id,
                 details={"channel": channel.value, "incidents": len(answers.incidents),
                          "files": len(files), "priority": assessment.priority.rank})
    if draft is not None:
        db.session.delete(draft)
    return report


def _unused_reference() -> str:
    # 30^8 references: a clash is vanishingly rare, but checking costs one indexed lookup.
    for _ in range(5):
        reference = new_reference()
        if db.session.scalar(select(Report.id).where(Report.reference == reference)) is None:
            return reference
    return new_reference()
