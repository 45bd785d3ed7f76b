"""Turn a report's answers dict (shape in app/public/steps.py) into labelled rows for the staff screens."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from app.domain.behaviours import Behaviour
from app.domain.criteria import DailyLifeChange, FearCount, Feeling, Occasions, Relationship, Unwanted

YES_NO = {"yes": "Yes", "no": "No", "not_sure": "Not sure", True: "Yes", False: "No"}
REPORTER = {"self": "The victim", "on_behalf": "Someone on their behalf", "professional": "A professional"}
FREQUENCY = {"daily": "Every day or almost", "weekly": "Every week", "monthly": "Every month",
             "less": "Less than monthly", "varies": "It varies", "not_sure": "Not sure"}
ORDERS = {"non_molestation": "Non-molestation order", "restraining": "Restraining order",
          "spo": "Stalking Protection Order", "bail": "Bail conditions", "other": "Another order or injunction",
          "none": "None", "not_sure": "Not sure"}
EVIDENCE = {"screenshots": "Screenshots or photos", "messages": "Messages, emails or letters",
            "call_logs": "Call logs or voicemails", "footage": "Doorbell, CCTV or video", "witnesses": "Witnesses",
            "diary": "A diary or notes", "gifts": "Gifts or things left", "other": "Something else"}
NOT_PROVIDED = "Not provided"


def _enum(cls: type[StrEnum]) -> Callable[[Any], str]:
    def label(value: Any) -> str:
        try:
            member = cls(value)
        except ValueError:
            return str(value)
        return getattr(member, "label", str(member))
    return label


def _mapping(table: Mapping[Any, str]) -> Callable[[Any], str]:
    return lambda value: table.get(value, str(value))


def _text(value: Any) -> str:
    return str(value)


def _show(value: Any, label: Callable[[Any], str] = _text) -> str:
    if value is None or value == "" or value == []:
        return NOT_PROVIDED
    if isinstance(value, list):
        return ", ".join(label(v) for v in value) or NOT_PROVIDED
    return label(value)


def _section(answers: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = answers.get(key)
    return value if isinstance(value, Mapping) else {}


def _rows(section: Mapping[str, Any], spec: list[tuple[str, str, Callable[[Any], str]]]) -> list[tuple[str, str]]:
    return [(title, _show(section.get(key), label)) for key, title, label in spec]


def _reporter_section(reporter: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The reporter's own details (issue 3's reporter page), only when someone reported for the victim."""
    if reporter.get("role") not in {"on_behalf", "professional"}:
        return []
    professional = [("organisation", "Organisation", _text), ("job_title", "Role", _text)] \
        if reporter.get("role") == "professional" else []
    return [("The person reporting", _rows(reporter, [
        ("name", "Name", _text), ("relationship", "Who they are to the victim", _text), *professional,
        ("phone", "Safe phone", _text), ("email", "Safe email", _text),
        ("victim_knows", "The victim knows about this report", _mapping(YES_NO)),
    ]))]


def answer_sections(answers: Mapping[str, Any] | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Headed groups of (question, answer) in the order a handler reads them; incidents are separate rows."""
    answers = answers or {}
    criteria = _section(answers, "criteria")
    behaviours = _section(answers, "behaviours")
    counts = behaviours.get("counts") if isinstance(behaviours.get("counts"), Mapping) else {}
    behaviour_counts = [(f"{_enum(Behaviour)(code)}: how many", str(n)) for code, n in counts.items() if n]
    behaviour_counts += [(f"{Behaviour(code[6:]).label}: how many", str(value))
                         for code, value in behaviours.items()
                         if code.startswith("count_") and value and code[6:] in Behaviour.__members__.values()]
    reporter = _section(answers, "reporter")
    return [
        ("Criteria", [
            ("Anyone in danger now", _show(answers.get("danger"), _mapping(YES_NO))),
            ("Who reported", _show(reporter.get("role"), _mapping(REPORTER))),
            ("Their relationship to the victim", _show(reporter.get("relationship"))),
            *_rows(criteria, [
                ("occasions", "How many times", _enum(Occasions)),
                ("unwanted", "Unwanted", _enum(Unwanted)),
                ("feelings", "How it made them feel", _enum(Feeling)),
                ("feared_violence_times", "Times afraid of violence", _enum(FearCount)),
            ]),
        ]),
        *_reporter_section(reporter),
        ("Behaviours", [
            *_rows(behaviours, [
                ("selected", "What they have done", _enum(Behaviour)),
                ("other_detail", "Something else", _text),
                ("started", "When it started", _text),
                ("frequency", "How often", _mapping(FREQUENCY)),
                ("increasing", "Getting more often or worse", _mapping(YES_NO)),
                ("most_recent", "Most recent time", _text),
            ]),
            *behaviour_counts,
        ]),
        ("The person doing this", _rows(_section(answers, "suspect"), [
            ("relationship", "Relationship to the victim", _enum(Relationship)),
            ("name", "Name", _text), ("other_names", "Other names", _text),
            ("age_or_dob", "Age or date of birth", _text), ("address", "Address", _text),
            ("postcode", "Postcode", _text), ("description", "Description", _text), ("vehicle", "Vehicle", _text),
            ("weapons", "Access to weapons", _mapping(YES_NO)), ("weapons_detail", "Weapons", _text),
            ("history", "Previous reports or convictions", _text),
        ])),
        ("Impact", _rows(_section(answers, "impact"), [
            ("changes", "Changes to daily life", _enum(DailyLifeChange)),
            ("details", "How it has affected them", _text), ("support", "Who supports them", _text),
        ])),
        ("Children and others at risk", _rows(_section(answers, "children"), [
            ("in_household", "Children in the household", _mapping(YES_NO)), ("ages", "Their ages", _text),
            ("concerns", "Worried about the children", _mapping(YES_NO)), ("concerns_detail", "Concerns", _text),
            ("children_used", "Children drawn into it", _mapping(YES_NO)),
            ("others_at_risk", "Others at risk", _mapping(YES_NO)), ("others_detail", "Who, and why", _text),
        ])),
        ("Court orders and bail", _rows(_section(answers, "orders"), [
            ("orders", "Orders", _mapping(ORDERS)), ("broken", "Broken", _mapping(YES_NO)),
            ("details", "Details", _text),
        ])),
        ("Evidence described", _rows(_section(answers, "evidence"), [
            ("held", "What they hold", _mapping(EVIDENCE)), ("description", "Description", _text),
        ])),
        ("About the victim", _rows(_section(answers, "about_you"), [
            ("name", "Name", _text), ("date_of_birth", "Date of birth", _text),
            ("withhold_address", "Address withheld as unsafe", _mapping(YES_NO)), ("address", "Address", _text),
            ("postcode", "Postcode", _text), ("communication_needs", "Communication needs", _text),
            ("interpreter", "Interpreter", _text), ("disability", "Health or disability", _text),
        ])),
    ]
