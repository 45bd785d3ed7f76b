"""Submitting a report: one transaction from the answers dict (steps.py) to the normalised rows."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain.approx_dates import parse_approximate_date
from app.domain.behaviours import Behaviour
from app.domain.criteria import Feeling
from app.domain.matching import keyed_hash, match_keys
from app.domain.priority import Danger, ReportFacts, assess_priority
from app.domain.reference import new_reference
from app.extensions import db
from app.models import Channel, Draft, EvidenceFile, Incident, Person, PersonMatchKey, PersonRole, Report, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.passwords import hash_password
from app.services.sla import triage_due

ANSWERS_VERSION = 1


def match_secret() -> bytes:
    """The key for matching hashes: MATCHING_KEY, else derived from SECRET_KEY (never the signing key itself)."""
    # A separate MATCHING_KEY lets a force rotate SECRET_KEY without losing every repeat match.
    base = current_app.config.get("MATCHING_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(base.encode(), b"person-match-keys", hashlib.sha256).digest()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _strict_dob(text: str | None) -> date | None:
    """A suspect's date of birth only when the person gave a full date (not "about 40")."""
    if not text or not any(ch.isdigit() for ch in text) or (len(text.split()) < 2 and "/" not in text):
        return None
    parsed = parse_approximate_date(text)
    return parsed if parsed and parsed.day != 1 else None


def _section(answers: dict[str, Any], key: str) -> dict[str, Any]:
    value = answers.get(key)
    return value if isinstance(value, dict) else {}


def _behaviours(answers: dict[str, Any]) -> frozenset[Behaviour]:
    codes = _section(answers, "behaviours").get("selected") or []
    return frozenset(Behaviour(code) for code in codes if code in Behaviour._value2member_map_)


def _incidents(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in answers.get("incidents") or [] if isinstance(item, dict)]


def days_since_last_incident(answers: dict[str, Any], today: date) -> int | None:
    """Days since the most recent dated incident or "most recent time" answer."""
    dates = [_parse_date(item.get("sort_date")) for item in _incidents(answers)]
    dates.append(parse_approximate_date(_section(answers, "behaviours").get("most_recent") or "", today))
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


def report_facts(answers: dict[str, Any], *, repeat_reports: int = 0, today: date | None = None) -> ReportFacts:
    """The facts the queue priority depends on, read from the answers dict."""
    today = today or date.today()
    danger = answers.get("danger")
    feelings = _section(answers, "criteria").get("feelings") or []
    children = _section(answers, "children")
    return ReportFacts(
        in_danger_now=Danger(danger) if danger in Danger._value2member_map_ else Danger.NO,
        behaviours=_behaviours(answers),
        weapons_access=_section(answers, "suspect").get("weapons") == "yes",
        children_at_risk=children.get("concerns") == "yes",
        children_used=children.get("children_used") == "yes",
        order_broken=_section(answers, "orders").get("broken") == "yes",
        frequency_increasing=_section(answers, "behaviours").get("increasing") == "yes",
        days_since_last_incident=days_since_last_incident(answers, today),
        feared_violence=Feeling.AFRAID_OF_VIOLENCE.value in feelings,
        incident_count=len(_incidents(answers)),
        repeat_suspect_reports=repeat_reports,
    )


def _people(report: Report, answers: dict[str, Any]) -> set[str]:
    """Add victim and suspect Person rows with hashed match keys; returns the suspect's key hashes."""
    secret = match_secret()
    you = _section(answers, "about_you")
    them = _section(answers, "suspect")
    victim = Person(role=PersonRole.VICTIM, name=you.get("name") or None,
                    date_of_birth=_parse_date(you.get("date_of_birth")),
                    address=None if you.get("withhold_address") else (you.get("address") or None),
                    postcode=None if you.get("withhold_address") else (you.get("postcode") or None))
    suspect_dob = _strict_dob(them.get("age_or_dob"))
    suspect = Person(role=PersonRole.SUSPECT, name=them.get("name") or None,
                     other_names=them.get("other_names") or None, date_of_birth=suspect_dob,
                     age_text=(them.get("age_or_dob") or None) if not suspect_dob else None,
                     address=them.get("address") or None, postcode=them.get("postcode") or None,
                     relationship_to_victim=them.get("relationship") or None,
                     description=them.get("description") or None)
    suspect_hashes: set[str] = set()
    for person in (victim, suspect):
        person.report_id = report.id
        db.session.add(person)
        names = [person.name, *((person.other_names or "").split(",") if person.role is PersonRole.SUSPECT else [])]
        hashes = set()
        for name in filter(None, (n.strip() for n in names if n)):
            keys = match_keys(name, person.date_of_birth, person.postcode, person.address)
            hashes |= {keyed_hash(key, secret) for key in keys}
        for key_hash in sorted(hashes):
            person.match_keys.append(PersonMatchKey(report_id=report.id, role=person.role, key_hash=key_hash))
        if person.role is PersonRole.SUSPECT:
            suspect_hashes = hashes
    return suspect_hashes


def incident_row(item: dict[str, Any], *, report_id: int, update_id: int | None = None) -> Incident:
    """An Incident row from one incident answer."""
    sort_date = _parse_date(item.get("sort_date")) or parse_approximate_date(item.get("when") or "")
    return Incident(report_id=report_id, update_id=update_id, when_text=(item.get("when") or None),
                    sort_date=sort_date, description=item.get("what") or None, location=item.get("where") or None,
                    witnesses=item.get("witnesses") or None, evidence_held=item.get("evidence") or None)


def _existing(submission_key: str) -> Report | None:
    return db.session.scalar(select(Report).where(Report.submission_key == submission_key))


def submit_report(answers: dict[str, Any], *, channel: Channel, taken_by: StaffUser | None = None,
                  submission_key: str, passphrase: str | None = None, draft: Draft | None = None) -> Report:
    """Create the report with its people, incidents, evidence and priority; a retried submission returns the first."""
    existing = _existing(submission_key)
    if existing is not None:
        return existing
    draft_id = draft.id if draft is not None else None
    passphrase_hash = hash_password(passphrase) if passphrase else None
    now = utcnow()
    try:
        report = Report(reference=_unused_reference(), channel=channel, received_at=now,
                        answers=dict(answers), answers_version=ANSWERS_VERSION, awaiting_triage=True,
                        queued_at=now, passphrase_hash=passphrase_hash, submission_key=submission_key,
                        taken_by_id=taken_by.id if taken_by is not None else None)
        db.session.add(report)
        db.session.flush()  # a second submit with the same key fails here, before any other row
        suspect_hashes = _people(report, answers)
        for item in _incidents(answers):
            db.session.add(incident_row(item, report_id=report.id))
        file_count = 0
        if draft_id is not None:
            for row in db.session.scalars(select(EvidenceFile).where(EvidenceFile.draft_id == draft_id)):
                row.draft_id = None
                row.report_id = report.id
                file_count += 1
        db.session.flush()
        repeat = repeat_suspect_reports(suspect_hashes, exclude_report_id=report.id)
        assessment = assess_priority(report_facts(answers, repeat_reports=repeat, today=now.date()))
        report.priority_rank = assessment.priority.rank
        report.priority_reasons = list(assessment.reasons)
        report.sla_due_at = triage_due(now, assessment.priority)
        audit.record("report.submit", "report", report.id,
                     actor_label="victim" if channel is Channel.ONLINE and taken_by is None else None,
                     details={"channel": channel.value, "incidents": len(_incidents(answers)),
                              "files": file_count, "priority": assessment.priority.rank})
        if draft is not None:
            db.session.delete(draft)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(submission_key)
        if existing is None:
            raise
        return existing
    return report


def _unused_reference() -> str:
    # 30^8 references: a clash is vanishingly rare, but checking costs one indexed lookup.
    for _ in range(5):
        reference = new_reference()
        if db.session.scalar(select(Report.id).where(Report.reference == reference)) is None:
            return reference
    return new_reference()
