"""Synthetic demo data at scale: realistic reports (behaviours, incident logs, priorities, channels, repeat
victims and suspects) bulk-inserted with COPY on PostgreSQL and executemany on SQLite.

Every name, address and story here is invented. Nothing here runs in production unless someone asks for it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import scoped_session

from app.crypto import current_keyring
from app.domain.behaviours import Behaviour
from app.domain.matching import keyed_hash, match_keys
from app.domain.priority import Danger, Priority, ReportFacts, assess_priority, sla_due
from app.domain.reference import new_reference
from app.extensions import db
from app.models import Channel, Incident, Person, PersonMatchKey, PersonRole, Report, ReportStatus
from app.models.encrypted import Encrypted
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.sla import sla_targets

FIRST = ["Alex", "Sam", "Jordan", "Chris", "Jamie", "Taylor", "Morgan", "Casey", "Robin", "Lee", "Priya", "Aisha",
         "Mohammed", "Olivia", "Amelia", "Isla", "Noah", "Oliver", "George", "Leo", "Zofia", "Chidi", "Siobhan",
         "Dylan", "Ffion", "Mei", "Tomasz", "Grace", "Harry", "Ruby"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan", "Evans",
        "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Lewis", "Clarke", "Nowak", "O'Brien",
        "Okafor", "Murphy", "Begum", "Chen", "Edwards", "Turner", "Hill", "Ward"]
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road", "Queens Road",
           "Green Lane", "Manor Close", "The Crescent"]
POSTCODE_AREAS = ["NS1", "NS2", "NS3", "NS4", "NS5", "NS10", "NS12", "NS14"]
RELATIONSHIPS = ["ex_partner", "ex_partner", "ex_partner", "acquaintance", "stranger", "online_only", "colleague",
                 "neighbour", "family", "not_known"]
WHAT = ["Waited outside my work and followed me to the car park", "Sent 30 messages overnight from a new number",
        "Left a parcel on the doorstep with a note", "Turned up at the school gates", "Posted about me on Facebook",
        "Rang my mum and asked where I was staying", "Was parked across the road all evening",
        "Threatened to hurt me if I went to the police", "Scratched my car", "Messaged my new partner",
        "Logged into my email and changed the password", "Followed me round the supermarket"]
WHERE = ["Outside my home", "At work", "On Instagram", "By text", "In town", "At the school", "At the gym", ""]
CHANNEL_WEIGHTS = ((Channel.ONLINE, 70), (Channel.PHONE, 25), (Channel.IN_PERSON, 5))
BEHAVIOUR_WEIGHTS = {
    Behaviour.MESSAGES: 0.7, Behaviour.CALLS: 0.5, Behaviour.SOCIAL_MEDIA: 0.45, Behaviour.TURNING_UP: 0.4,
    Behaviour.FOLLOWING: 0.3, Behaviour.WATCHING: 0.3, Behaviour.CONTACTING_OTHERS: 0.25, Behaviour.EMAILS: 0.2,
    Behaviour.THREATS: 0.2, Behaviour.GIFTS: 0.1, Behaviour.LETTERS: 0.1, Behaviour.PROPERTY_DAMAGE: 0.1,
    Behaviour.TRACKING: 0.06, Behaviour.ACCOUNT_ACCESS: 0.08, Behaviour.VIOLENCE: 0.07, Behaviour.ORDER_BREACH: 0.06,
    Behaviour.CHILDREN_USED: 0.05, Behaviour.PUBLISHING: 0.04, Behaviour.SEXUAL_VIOLENCE: 0.02,
}
REPORT_COLUMNS = ("id", "reference", "channel", "status", "received_at", "answers", "answers_version",
                  "awaiting_triage", "priority_rank", "priority_reasons", "queued_at", "sla_due_at", "version",
                  "updated_at")
PERSON_COLUMNS = ("id", "report_id", "role", "name", "date_of_birth", "address", "postcode",
                  "relationship_to_victim")
KEY_COLUMNS = ("id", "person_id", "report_id", "role", "key_hash")
INCIDENT_COLUMNS = ("id", "report_id", "when_text", "sort_date", "description", "location", "witnesses",
                    "evidence_held", "created_at")


@dataclass(frozen=True)
class Identity:
    """An invented person, with the keyed hashes their details match on."""

    name: str
    date_of_birth: date | None
    address: str
    postcode: str
    key_hashes: tuple[str, ...]


@dataclass(frozen=True)
class SeedResult:
    """What was loaded, and how long it took."""

    reports: int
    incidents: int
    people: int
    seconds: float


class _Ids:
    def __init__(self, start: int) -> None:
        self.value = start

    def next(self) -> int:
        self.value += 1
        return self.value


def _identity(rng: random.Random, secret: bytes) -> Identity:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    dob = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55)) if rng.random() < 0.7 else None
    address = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
    postcode = f"{rng.choice(POSTCODE_AREAS)} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    keys = match_keys(name, dob, postcode, address)
    return Identity(name, dob, address, postcode, tuple(sorted(keyed_hash(k, secret) for k in keys)))


def _pool(rng: random.Random, secret: bytes, size: int) -> list[Identity]:
    return [_identity(rng, secret) for _ in range(max(1, size))]


def _skewed(rng: random.Random, pool: list[Identity]) -> Identity:
    # Most repeat people appear in two or three reports; one in fifty is prolific, in dozens of reports (the
    # twentieth report about the same man) at any seed size, never in a fifth of the force's history.
    if rng.random() < 0.2:
        return pool[rng.randrange(max(1, len(pool) // 50))]
    return pool[rng.randrange(len(pool))]


def _weighted_channel(rng: random.Random) -> Channel:
    roll = rng.randrange(100)
    for channel, weight in CHANNEL_WEIGHTS:
        if roll < weight:
            return channel
        roll -= weight
    return Channel.ONLINE


def _incident_count(rng: random.Random) -> int:
    # Most reports log a handful of incidents; some victims wait until there are dozens (domain.md section 10).
    if rng.random() < 0.05:
        return rng.randrange(20, 80)
    return 1 + min(int(rng.expovariate(0.45)), 15)


def seed_demo_reports(count: int, *, seed: int | None = None, awaiting_share: float = 0.05, batch_size: int = 10_000,
                      secret: bytes, progress: Callable[[int], None] | None = None,
                      now: datetime | None = None) -> SeedResult:
    """Insert `count` synthetic reports with their people, match keys and incidents, in one transaction."""
    started = time.perf_counter()
    now = now or utcnow()
    rng = random.Random(seed)
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Ids are assigned here, so no other writer may insert into these tables meanwhile.
        session.execute(text("LOCK TABLE report, person, person_match_key, incident IN SHARE ROW EXCLUSIVE MODE"))
    ids = {table: _Ids(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)
           for table, model in (("report", Report), ("person", Person), ("key", PersonMatchKey),
                                ("incident", Incident))}
    used_refs: set[str] = set(session.scalars(select(Report.reference))) if ids["report"].value else set()
    suspects = _pool(rng, secret, max(count // 10, 5))
    victims = _pool(rng, secret, max(count // 40, 5))
    targets = sla_targets(current_app.config)
    totals = {"incidents": 0, "people": 0}
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        tables = _batch(rng, n, now=now, ids=ids, used_refs=used_refs, suspects=suspects, victims=victims,
                        secret=secret, awaiting_share=awaiting_share, targets=targets)
        totals["incidents"] += len(tables["incident"])
        totals["people"] += len(tables["person"])
        for name, columns, table in (("report", REPORT_COLUMNS, _table(Report)),
                                     ("person", PERSON_COLUMNS, _table(Person)),
                                     ("key", KEY_COLUMNS, _table(PersonMatchKey)),
                                     ("incident", INCIDENT_COLUMNS, _table(Incident))):
            _write(session, table, columns, tables[name], postgres)
        done += n
        if progress:
            progress(done)
    if postgres:
        for name in ("report", "person", "person_match_key", "incident"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
                                 f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))
    audit.record(Actor.system("cli"), "demo.seed", "report", None, details={"reports": count})
    session.commit()
    if postgres:
        session.execute(text("ANALYZE report"))
        session.commit()
    return SeedResult(count, totals["incidents"], totals["people"], time.perf_counter() - started)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _write(session: scoped_session[Any], table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]],
           postgres: bool) -> None:
    if not rows:
        return
    if postgres:
        # COPY bypasses the column types, so encrypted columns are sealed here as the ORM would seal them.
        ring = current_keyring()
        types = [table.c[name].type for name in columns]
        sealers = [kind if isinstance(kind, Encrypted) else None for kind in types]
        raw: Any = session.connection().connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([
                    sealer.seal(v, ring) if sealer is not None else json.dumps(v) if isinstance(v, dict | list) else v
                    for sealer, v in zip(sealers, row, strict=True)])
    else:
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _batch(rng: random.Random, n: int, *, now: datetime, ids: dict[str, _Ids], used_refs: set[str],
           suspects: list[Identity], victims: list[Identity], secret: bytes, awaiting_share: float,
           targets: Mapping[Priority, timedelta]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {"report": [], "person": [], "key": [], "incident": []}
    for _ in range(n):
        report_id = ids["report"].next()
        reference = new_reference()
        while reference in used_refs:
            reference = new_reference()
        used_refs.add(reference)
        awaiting = rng.random() < awaiting_share
        # Awaiting reports arrived in the last few days; the rest are the force's history.
        age = timedelta(minutes=rng.randrange(0, 4 * 24 * 60)) if awaiting else \
            timedelta(minutes=rng.randrange(4 * 24 * 60, 3 * 365 * 24 * 60))
        received = now - age
        channel = _weighted_channel(rng)
        behaviours = [b for b, p in BEHAVIOUR_WEIGHTS.items() if rng.random() < p] or [Behaviour.MESSAGES]
        incidents = _incident_count(rng)
        days_since = rng.choice([0, 1, 2, 5, 10, 30, 90, 200])
        repeat_suspect = rng.random() < 0.35
        suspect = _skewed(rng, suspects) if repeat_suspect else (
            _identity(rng, secret) if rng.random() < 0.75 else None)
        victim = _skewed(rng, victims) if rng.random() < 0.1 else _identity(rng, secret)
        facts = ReportFacts(
            in_danger_now=Danger.NOT_SURE if rng.random() < 0.05 else Danger.NO,
            behaviours=frozenset(behaviours), weapons_access=rng.random() < 0.05,
            children_at_risk=rng.random() < 0.1, order_broken=Behaviour.ORDER_BREACH in behaviours,
            frequency_increasing=rng.random() < 0.25, days_since_last_incident=days_since,
            feared_violence=rng.random() < 0.3, incident_count=incidents,
            repeat_suspect_reports=1 if repeat_suspect else 0,
        )
        assessment = assess_priority(facts)
        answers = _answers(rng, behaviours, facts, suspect, victim)
        status = ReportStatus.RECEIVED if awaiting else rng.choice((ReportStatus.WITH_OFFICER, ReportStatus.CLOSED))
        out["report"].append((
            report_id, reference, channel.value, status.value, received, answers, 1, awaiting,
            assessment.priority.rank, list(assessment.reasons), received,
            sla_due(received, assessment.priority, targets), 1, received,
        ))
        for role, person in ((PersonRole.VICTIM, victim), (PersonRole.SUSPECT, suspect)):
            person_id = ids["person"].next()
            out["person"].append((person_id, report_id, role.value, person.name if person else None,
                                  person.date_of_birth if person else None, person.address if person else None,
                                  person.postcode if person else None,
                                  answers["suspect"]["relationship"] if role is PersonRole.SUSPECT else None))
            for key_hash in person.key_hashes if person else ():
                out["key"].append((ids["key"].next(), person_id, report_id, role.value, key_hash))
        for i in range(incidents):
            when = (received - timedelta(days=days_since + (incidents - i) * rng.randrange(1, 6))).date()
            out["incident"].append((ids["incident"].next(), report_id, when.strftime("%-d %B %Y"), when,
                                    rng.choice(WHAT), rng.choice(WHERE) or None, None,
                                    "Screenshots" if rng.random() < 0.3 else None, received))
    return out


def _answers(rng: random.Random, behaviours: list[Behaviour], facts: ReportFacts, suspect: Identity | None,
             victim: Identity) -> dict[str, Any]:
    safe = rng.choice(["yes", "some_ways", "some_ways", "no"])
    ways = rng.sample(["call", "text", "email", "letter", "trusted_person"], rng.randrange(1, 3))
    return {
        "danger": facts.in_danger_now.value,
        "reporter": {"role": "self" if rng.random() < 0.85 else "on_behalf", "relationship": ""},
        "criteria": {"occasions": rng.choice(["two_to_five", "more", "lost_count"]), "unwanted": "yes",
                     "feelings": ["afraid_of_violence" if facts.feared_violence else "alarmed_or_distressed"]},
        "behaviours": {"selected": [b.value for b in behaviours], "frequency": rng.choice(["daily", "weekly"]),
                       "increasing": "yes" if facts.frequency_increasing else "no", "counts": {}},
        "suspect": {"relationship": rng.choice(RELATIONSHIPS), "name": suspect.name if suspect else "",
                    "weapons": "yes" if facts.weapons_access else "not_sure"},
        "children": {"concerns": "yes" if facts.children_at_risk else "no"},
        "orders": {"broken": "yes" if facts.order_broken else ""},
        "about_you": {"name": victim.name, "postcode": victim.postcode},
        "contact": {"safe": safe, "ways": ways if safe == "some_ways" else [],
                    "voicemail": rng.choice(["yes", "no"]), "safe_times": rng.choice(["", "Weekdays 9 to 3"]),
                    "accounts_accessed": rng.choice(["no", "not_sure"])},
    }

