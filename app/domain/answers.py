"""A report's answers, typed: the one schema of what the journey (and a phone report) collects.

Drafts and reports store the answers as JSON, keyed by section, in the shape `to_dict()` gives back.
`parse_answers()` reads any stored version into frozen dataclasses; services and staff presenters use
only the typed form. Unknown codes and wrong types (an older version, a hand-edited row, hostile input)
are dropped rather than trusted, so reading never fails: a missing answer means "not provided".

Versions (`ANSWERS_VERSION`):
- 1: the first journey. Rough counts per behaviour were sometimes kept as `behaviours.count_<code>` keys.
- 2: rough counts only under `behaviours.counts` ({behaviour code: text}). `upgrade()` moves version 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from app.domain.approx_dates import Precision, parse_date
from app.domain.behaviours import Behaviour
from app.domain.criteria import (
    CriteriaAnswers,
    DailyLifeChange,
    FearCount,
    Feeling,
    Occasions,
    Relationship,
    Unwanted,
)
from app.domain.priority import Danger

ANSWERS_VERSION = 2

E = TypeVar("E", bound=StrEnum)


class YesNo(StrEnum):
    """A yes, no or not sure answer."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_sure": "Not sure"}[self.value]


class ReporterRole(StrEnum):
    """Who made the report."""

    SELF = "self"
    ON_BEHALF = "on_behalf"
    PROFESSIONAL = "professional"

    @property
    def label(self) -> str:
        return {"self": "The victim", "on_behalf": "Someone on their behalf",
                "professional": "A professional"}[self.value]


class Frequency(StrEnum):
    """How often it happens."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    LESS = "less"
    VARIES = "varies"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return {"daily": "Every day or almost every day", "weekly": "Every week", "monthly": "Every month",
                "less": "Less often than every month", "varies": "It varies", "not_sure": "Not sure"}[self.value]


class OrderKind(StrEnum):
    """A court order or bail conditions protecting the victim (or "none", "not sure")."""

    NON_MOLESTATION = "non_molestation"
    RESTRAINING = "restraining"
    SPO = "spo"
    BAIL = "bail"
    OTHER = "other"
    NONE = "none"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        return {"non_molestation": "Non-molestation order", "restraining": "Restraining order",
                "spo": "Stalking Protection Order", "bail": "Bail conditions",
                "other": "Another order or injunction", "none": "None", "not_sure": "Not sure"}[self.value]


class EvidenceKind(StrEnum):
    """Evidence the victim says they hold."""

    SCREENSHOTS = "screenshots"
    MESSAGES = "messages"
    CALL_LOGS = "call_logs"
    FOOTAGE = "footage"
    WITNESSES = "witnesses"
    DIARY = "diary"
    GIFTS = "gifts"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"screenshots": "Screenshots or photos", "messages": "Messages, emails or letters",
                "call_logs": "Call logs or voicemails", "footage": "Doorbell, CCTV or video",
                "witnesses": "Witnesses", "diary": "A diary or notes", "gifts": "Gifts or things left",
                "other": "Something else"}[self.value]


class ContactSafety(StrEnum):
    """Whether it is safe to contact the victim."""

    YES = "yes"
    SOME_WAYS = "some_ways"
    NO = "no"


class ContactWay(StrEnum):
    """A way the journey offers to contact the victim."""

    CALL = "call"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    TRUSTED_PERSON = "trusted_person"


# --- readers: never trust the stored JSON's types -------------------------------------------------

def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return value.strip() if isinstance(value, str) else ""


def _one(cls: type[E], value: Any) -> E | None:
    return cls(value) if isinstance(value, str) and value in cls._value2member_map_ else None


def _many(cls: type[E], value: Any) -> tuple[E, ...]:
    if not isinstance(value, list | tuple):
        return ()
    found = (cls(v) for v in value if isinstance(v, str) and v in cls._value2member_map_)
    return tuple(dict.fromkeys(found))


def _section(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, Mapping) else {}


def _iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


# --- the sections ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reporter:
    """Who is reporting; the rest only for someone reporting for another person."""

    role: ReporterRole | None = None
    relationship: str = ""
    name: str = ""
    organisation: str = ""
    job_title: str = ""
    phone: str = ""
    email: str = ""
    victim_knows: YesNo | None = None

    @property
    def is_third_party(self) -> bool:
        return self.role in (ReporterRole.ON_BEHALF, ReporterRole.PROFESSIONAL)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Reporter:
        return cls(role=_one(ReporterRole, raw.get("role")), relationship=_text(raw, "relationship"),
                   name=_text(raw, "name"), organisation=_text(raw, "organisation"),
                   job_title=_text(raw, "job_title"), phone=_text(raw, "phone"), email=_text(raw, "email"),
                   victim_knows=_one(YesNo, raw.get("victim_knows")))


@dataclass(frozen=True)
class Criteria:
    """The criteria in plain words: how many times, unwanted, how it made them feel."""

    occasions: Occasions | None = None
    unwanted: Unwanted | None = None
    feelings: tuple[Feeling, ...] = ()
    feared_violence_times: FearCount | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Criteria:
        return cls(occasions=_one(Occasions, raw.get("occasions")), unwanted=_one(Unwanted, raw.get("unwanted")),
                   feelings=_many(Feeling, raw.get("feelings")),
                   feared_violence_times=_one(FearCount, raw.get("feared_violence_times")))


@dataclass(frozen=True)
class Behaviours:
    """What they have done, since when, how often, and a rough count for each behaviour."""

    selected: tuple[Behaviour, ...] = ()
    other_detail: str = ""
    started: str = ""
    frequency: Frequency | None = None
    increasing: YesNo | None = None
    most_recent: str = ""
    counts: tuple[tuple[Behaviour, str], ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Behaviours:
        stored = raw.get("counts")
        counts: Mapping[Any, Any] = stored if isinstance(stored, Mapping) else {}
        parsed_counts = tuple((Behaviour(code), value.strip()) for code, value in counts.items()
                              if code in Behaviour._value2member_map_ and isinstance(value, str) and value.strip())
        return cls(selected=_many(Behaviour, raw.get("selected")), other_detail=_text(raw, "other_detail"),
                   started=_text(raw, "started"), frequency=_one(Frequency, raw.get("frequency")),
                   increasing=_one(YesNo, raw.get("increasing")), most_recent=_text(raw, "most_recent"),
                   counts=parsed_counts)


@dataclass(frozen=True)
class IncidentAnswer:
    """One time it happened, as the person described it."""

    id: str = ""
    when: str = ""
    sort_date: date | None = None
    what: str = ""
    where: str = ""
    witnesses: str = ""
    evidence: str = ""

    @property
    def given(self) -> bool:
        return any((self.when, self.what, self.where, self.witnesses, self.evidence))

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> IncidentAnswer:
        when = _text(raw, "when")
        sort_date = _iso_date(raw.get("sort_date"))
        if sort_date is None and when:
            parsed = parse_date(when)
            sort_date = parsed.date if parsed else None
        return cls(id=_text(raw, "id"), when=when, sort_date=sort_date, what=_text(raw, "what"),
                   where=_text(raw, "where"), witnesses=_text(raw, "witnesses"), evidence=_text(raw, "evidence"))


@dataclass(frozen=True)
class Suspect:
    """The person doing it: everything optional."""

    relationship: Relationship | None = None
    name: str = ""
    other_names: str = ""
    age_or_dob: str = ""
    address: str = ""
    postcode: str = ""
    description: str = ""
    vehicle: str = ""
    weapons: YesNo | None = None
    weapons_detail: str = ""
    history: str = ""

    @property
    def date_of_birth(self) -> date | None:
        """Their date of birth only when the words give a whole date ("about 40" or "March 1985" do not)."""
        parsed = parse_date(self.age_or_dob)
        return parsed.date if parsed and parsed.precision is Precision.DAY else None

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.other_names.split(",") if name.strip())

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Suspect:
        return cls(relationship=_one(Relationship, raw.get("relationship")), name=_text(raw, "name"),
                   other_names=_text(raw, "other_names"), age_or_dob=_text(raw, "age_or_dob"),
                   address=_text(raw, "address"), postcode=_text(raw, "postcode"),
                   description=_text(raw, "description"), vehicle=_text(raw, "vehicle"),
                   weapons=_one(YesNo, raw.get("weapons")), weapons_detail=_text(raw, "weapons_detail"),
                   history=_text(raw, "history"))


@dataclass(frozen=True)
class Impact:
    """How it has changed their life."""

    changes: tuple[DailyLifeChange, ...] = ()
    details: str = ""
    support: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Impact:
        return cls(changes=_many(DailyLifeChange, raw.get("changes")), details=_text(raw, "details"),
                   support=_text(raw, "support"))


@dataclass(frozen=True)
class Children:
    """Children in the household, worries about them, children drawn in, and others at risk."""

    in_household: YesNo | None = None
    ages: str = ""
    concerns: YesNo | None = None
    concerns_detail: str = ""
    children_used: YesNo | None = None
    others_at_risk: YesNo | None = None
    others_detail: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Children:
        return cls(in_household=_one(YesNo, raw.get("in_household")), ages=_text(raw, "ages"),
                   concerns=_one(YesNo, raw.get("concerns")), concerns_detail=_text(raw, "concerns_detail"),
                   children_used=_one(YesNo, raw.get("children_used")),
                   others_at_risk=_one(YesNo, raw.get("others_at_risk")), others_detail=_text(raw, "others_detail"))


@dataclass(frozen=True)
class Orders:
    """Court orders and bail conditions, and whether they have been broken."""

    orders: tuple[OrderKind, ...] = ()
    broken: YesNo | None = None
    details: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Orders:
        return cls(orders=_many(OrderKind, raw.get("orders")), broken=_one(YesNo, raw.get("broken")),
                   details=_text(raw, "details"))


@dataclass(frozen=True)
class EvidenceHeld:
    """The evidence they say they have (the uploaded files are rows of their own)."""

    held: tuple[EvidenceKind, ...] = ()
    description: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> EvidenceHeld:
        return cls(held=_many(EvidenceKind, raw.get("held")), description=_text(raw, "description"))


@dataclass(frozen=True)
class AboutVictim:
    """The person it is happening to: everything optional; the address may be withheld as unsafe."""

    name: str = ""
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    withhold_address: bool = False
    communication_needs: str = ""
    interpreter: str = ""
    disability: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> AboutVictim:
        withhold = raw.get("withhold_address") is True
        return cls(name=_text(raw, "name"), date_of_birth=_iso_date(raw.get("date_of_birth")),
                   address="" if withhold else _text(raw, "address"),
                   postcode="" if withhold else _text(raw, "postcode"), withhold_address=withhold,
                   communication_needs=_text(raw, "communication_needs"), interpreter=_text(raw, "interpreter"),
                   disability=_text(raw, "disability"))


@dataclass(frozen=True)
class Contact:
    """How (and whether) we may contact the victim."""

    safe: ContactSafety | None = None
    ways: tuple[ContactWay, ...] = ()
    phone: str = ""
    email: str = ""
    trusted_name: str = ""
    trusted_phone: str = ""
    voicemail: YesNo | None = None
    safe_times: str = ""
    code_word: str = ""
    accounts_accessed: YesNo | None = None

    @property
    def given(self) -> bool:
        return self.safe is not None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Contact:
        return cls(safe=_one(ContactSafety, raw.get("safe")), ways=_many(ContactWay, raw.get("ways")),
                   phone=_text(raw, "phone"), email=_text(raw, "email"), trusted_name=_text(raw, "trusted_name"),
                   trusted_phone=_text(raw, "trusted_phone"), voicemail=_one(YesNo, raw.get("voicemail")),
                   safe_times=_text(raw, "safe_times"), code_word=_text(raw, "code_word"),
                   accounts_accessed=_one(YesNo, raw.get("accounts_accessed")))


@dataclass(frozen=True)
class Answers:
    """Everything a report holds in the victim's (or the call handler's) words, typed."""

    danger: Danger | None = None
    reporter: Reporter = field(default_factory=Reporter)
    criteria: Criteria = field(default_factory=Criteria)
    behaviours: Behaviours = field(default_factory=Behaviours)
    incidents: tuple[IncidentAnswer, ...] = ()
    suspect: Suspect = field(default_factory=Suspect)
    impact: Impact = field(default_factory=Impact)
    children: Children = field(default_factory=Children)
    orders: Orders = field(default_factory=Orders)
    evidence: EvidenceHeld = field(default_factory=EvidenceHeld)
    about_you: AboutVictim = field(default_factory=AboutVictim)
    contact: Contact = field(default_factory=Contact)
    declaration: bool = False

    def criteria_answers(self) -> CriteriaAnswers:
        """The criteria rule's inputs, "not sure" for anything not given."""
        return CriteriaAnswers(
            occasions=self.criteria.occasions or Occasions.NOT_SURE,
            unwanted=self.criteria.unwanted or Unwanted.NOT_SURE,
            feelings=frozenset(self.criteria.feelings),
            feared_violence_times=self.criteria.feared_violence_times,
            daily_life_changes=frozenset(self.impact.changes),
            behaviours=frozenset(self.behaviours.selected),
            relationship=self.suspect.relationship or Relationship.NOT_KNOWN,
            order_broken=self.orders.broken is YesNo.YES,
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON shape of this version (enums as their codes, dates as ISO text)."""
        stored: dict[str, Any] = _jsonable(asdict(self))
        stored["behaviours"]["counts"] = {code.value: text for code, text in self.behaviours.counts}
        return stored


_SECTIONS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "reporter": Reporter.parse, "criteria": Criteria.parse, "behaviours": Behaviours.parse,
    "suspect": Suspect.parse, "impact": Impact.parse, "children": Children.parse, "orders": Orders.parse,
    "evidence": EvidenceHeld.parse, "about_you": AboutVictim.parse, "contact": Contact.parse,
}


def upgrade(raw: Mapping[str, Any], version: int) -> dict[str, Any]:
    """Stored answers of an older version, in the current version's shape."""
    answers = dict(raw) if isinstance(raw, Mapping) else {}
    if version < 2:
        behaviours = dict(_section(answers, "behaviours"))
        counts = dict(behaviours.get("counts") or {}) if isinstance(behaviours.get("counts"), Mapping) else {}
        for key in [k for k in behaviours if k.startswith("count_")]:
            value = behaviours.pop(key)
            counts.setdefault(key[len("count_"):], value)
        if behaviours:
            behaviours["counts"] = counts
            answers["behaviours"] = behaviours
    return answers


def parse_answers(raw: Mapping[str, Any] | None, version: int = ANSWERS_VERSION) -> Answers:
    """Read stored answers of any version into the typed form; anything unreadable counts as not provided."""
    current = upgrade(raw or {}, version)
    sections = {name: parse(_section(current, name)) for name, parse in _SECTIONS.items()}
    incidents = current.get("incidents")
    return Answers(
        danger=_one(Danger, current.get("danger")),
        incidents=tuple(IncidentAnswer.parse(item) for item in incidents if isinstance(item, Mapping))
        if isinstance(incidents, list) else (),
        declaration=current.get("declaration") is True,
        **sections,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
