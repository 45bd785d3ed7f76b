"""The retention policy: how long each kind of record is kept, read from settings a force may change.

Periods are whole years after a record closes (or minutes and days for drafts and addresses); KEEP means the
record is never deleted automatically and waits for a person's review, as the national guidance on police records
expects for the gravest outcomes. The same policy drives the retention command and the privacy notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

KEEP = None  # kept until a person reviews it: never deleted automatically

# Case outcomes (app/models/case.py CaseOutcome values) and how many years after closing each is kept by default.
# The floor everywhere is the 6 years that the Management of Police Information guidance sets as the normal
# minimum for police records; a charge that ended without conviction is kept for the 10-year review period MoPI
# gives other violent offences (stalking with fear of violence is one); a conviction is kept until reviewed.
DEFAULT_CASE_YEARS: Mapping[str, int | None] = {
    "no_further_action": 6,
    "victim_withdrew_support": 6,
    "out_of_court_resolution": 6,
    "transferred": 6,
    "charged_not_convicted": 10,
    "charged_convicted": KEEP,
}


class PolicyError(ValueError):
    """A retention setting cannot be read."""


def parse_years(text: str | None, *, setting: str) -> int | None:
    """A period in whole years ("6"), or KEEP for "keep"; anything else is a PolicyError naming the setting."""
    value = (text or "").strip().lower()
    if value == "keep":
        return KEEP
    if not value.isdigit() or len(value) > 3:
        raise PolicyError(f"{setting} must be a whole number of years or 'keep', not {text!r}")
    return int(value)


def parse_case_years(spec: str | None, *, setting: str = "RETENTION_CASE_YEARS") -> dict[str, int | None]:
    """The years per case outcome: the defaults, changed by "outcome:years,outcome:keep" pairs."""
    years = dict(DEFAULT_CASE_YEARS)
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        outcome, sep, value = part.partition(":")
        outcome = outcome.strip().lower()
        if not sep or outcome not in years:
            raise PolicyError(f"{setting}: {part!r} is not outcome:years with one of {', '.join(years)}")
        years[outcome] = parse_years(value, setting=f"{setting} ({outcome})")
    return years


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept."""

    unsent_draft_minutes: int
    saved_draft_days: int
    nfa_report_years: int | None
    case_years: Mapping[str, int | None] = field(default_factory=lambda: dict(DEFAULT_CASE_YEARS))
    # None: evidence goes with the report or case it belongs to; a number removes it sooner.
    evidence_years: int | None = None
    audit_years: int | None = 6
    staff_ip_days: int = 90


def policy_from_settings(settings: Mapping[str, object]) -> RetentionPolicy:
    """The policy from the app's settings (config.py); a PolicyError names any setting that cannot be read."""
    evidence = str(settings.get("RETENTION_EVIDENCE_YEARS") or "").strip()
    ip_days = str(settings.get("AUDIT_IP_RETENTION_DAYS", 90)).strip()
    if not ip_days.isdigit():
        raise PolicyError(f"AUDIT_IP_RETENTION_DAYS must be a whole number of days, not {ip_days!r}")
    return RetentionPolicy(
        unsent_draft_minutes=int(str(settings.get("DRAFT_IDLE_MINUTES", 30))),
        saved_draft_days=int(str(settings.get("SAVED_DRAFT_DAYS", 30))),
        nfa_report_years=parse_years(str(settings.get("RETENTION_NFA_REPORT_YEARS", "6")),
                                     setting="RETENTION_NFA_REPORT_YEARS"),
        case_years=parse_case_years(str(settings.get("RETENTION_CASE_YEARS") or "")),
        evidence_years=parse_years(evidence, setting="RETENTION_EVIDENCE_YEARS") if evidence else None,
        audit_years=parse_years(str(settings.get("RETENTION_AUDIT_YEARS", "6")), setting="RETENTION_AUDIT_YEARS"),
        staff_ip_days=int(ip_days),
    )


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (29 February becomes 28 February in a year without one)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def describe_years(years: int | None) -> str:
    """A period in words for the privacy notice."""
    if years is KEEP:
        return "until we review whether we still need it"
    return "1 year" if years == 1 else f"{years} years"
