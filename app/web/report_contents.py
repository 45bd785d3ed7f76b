"""A report's answers as headed rows of question and answer in words, for the staff screens."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from app.domain.answers import Answers, Reporter, YesNo

NOT_PROVIDED = "Not provided"
Rows = list[tuple[str, str]]


def _show(value: object) -> str:
    """An answer in words: enum labels for codes, "Not provided" for nothing."""
    if value is None or value == "" or value == ():
        return NOT_PROVIDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple):
        return ", ".join(_show(item) for item in value) or NOT_PROVIDED
    if isinstance(value, StrEnum):
        return str(getattr(value, "label", value.value))
    return str(value)


def _rows(pairs: Iterable[tuple[str, object]]) -> Rows:
    return [(title, _show(value)) for title, value in pairs]


def _reporter_rows(reporter: Reporter) -> list[tuple[str, Rows]]:
    """The reporter's own details, only when someone reported for the victim."""
    if not reporter.is_third_party:
        return []
    professional = [("Organisation", reporter.organisation), ("Role", reporter.job_title)] \
        if reporter.role == "professional" else []
    return [("The person reporting", _rows([
        ("Name", reporter.name), ("Who they are to the victim", reporter.relationship), *professional,
        ("Safe phone", reporter.phone), ("Safe email", reporter.email),
        ("The victim knows about this report", reporter.victim_knows),
    ]))]


def answer_sections(answers: Answers) -> list[tuple[str, Rows]]:
    """Headed groups of (question, answer) in the order a handler reads them; incidents are separate rows."""
    criteria, behaviours, suspect = answers.criteria, answers.behaviours, answers.suspect
    impact, children, orders, about = answers.impact, answers.children, answers.orders, answers.about_you
    who_reported: list[tuple[str, object]] = [("Who reported", answers.reporter.role)]
    if answers.reporter.is_third_party:
        who_reported.append(("Their relationship to the victim", answers.reporter.relationship))
    return [
        ("Criteria", _rows([
            ("Anyone in danger now", YesNo(answers.danger.value) if answers.danger else None),
            *who_reported,
            ("How many times", criteria.occasions), ("Unwanted", criteria.unwanted),
            ("How it made them feel", criteria.feelings),
            ("Times afraid of violence", criteria.feared_violence_times),
        ])),
        *_reporter_rows(answers.reporter),
        ("Behaviours", _rows([
            ("What they have done", behaviours.selected), ("Something else", behaviours.other_detail),
            ("When it started", behaviours.started), ("How often", behaviours.frequency),
            ("Getting more often or worse", behaviours.increasing), ("Most recent time", behaviours.most_recent),
            *((f"{behaviour.label}: how many", count) for behaviour, count in behaviours.counts),
        ])),
        ("The person doing this", _rows([
            ("Relationship to the victim", suspect.relationship), ("Name", suspect.name),
            ("Other names", suspect.other_names), ("Age or date of birth", suspect.age_or_dob),
            ("Address", suspect.address), ("Postcode", suspect.postcode), ("Description", suspect.description),
            ("Vehicle", suspect.vehicle), ("Access to weapons", suspect.weapons), ("Weapons", suspect.weapons_detail),
            ("Previous reports or convictions", suspect.history),
        ])),
        ("Impact", _rows([
            ("Changes to daily life", impact.changes), ("How it has affected them", impact.details),
            ("Who supports them", impact.support),
        ])),
        ("Children and others at risk", _rows([
            ("Children in the household", children.in_household), ("Their ages", children.ages),
            ("Worried about the children", children.concerns), ("Concerns", children.concerns_detail),
            ("Children drawn into it", children.children_used), ("Others at risk", children.others_at_risk),
            ("Who, and why", children.others_detail),
        ])),
        ("Court orders and bail", _rows([
            ("Orders", orders.orders), ("Broken", orders.broken), ("Details", orders.details),
        ])),
        ("Evidence described", _rows([
            ("What they hold", answers.evidence.held), ("Description", answers.evidence.description),
        ])),
        ("About the victim", _rows([
            ("Name", about.name), ("Date of birth", about.date_of_birth.strftime("%-d %B %Y")
                                   if about.date_of_birth else None),
            ("Address withheld as unsafe", about.withhold_address), ("Address", about.address),
            ("Postcode", about.postcode), ("Communication needs", about.communication_needs),
            ("Interpreter", about.interpreter), ("Health or disability", about.disability),
        ])),
    ]
