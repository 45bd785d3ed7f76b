"""The order of the victim's journey, and the shape of the answers it collects.

Each question page stores its answers in the draft under one key (its section). The same dict,
with the same keys, is what `app.services.reports.submit_report()` takes, so a call handler's
phone form can fill it from the forms in `app/public/forms.py`. Every key is optional; a missing
answer means "not provided". Free text is stored exactly as typed (escaped only when shown).

    {
      "danger": "yes" | "no" | "not_sure",
      "reporter": {
        "role": "self" | "on_behalf" | "professional", "relationship": str,
        # Only for someone reporting for another person (the reporter-details page); blank for "self".
        "name": str, "organisation": str, "job_title": str (the last two for a professional),
        "phone": str, "email": str (a safe way to reach the reporter),
        "victim_knows": "yes" | "no" | "not_sure" | "" (does the person it is happening to know?),
      },
      "criteria": {
        "occasions": Occasions value, "unwanted": Unwanted value,
        "feelings": [Feeling value, ...], "feared_violence_times": FearCount value | "",
      },
      "behaviours": {
        "selected": [Behaviour value, ...], "other_detail": str,
        "started": str, "frequency": "daily" | "weekly" | "monthly" | "less" | "varies" | "not_sure" | "",
        "increasing": "yes" | "no" | "not_sure" | "", "most_recent": str,
        "counts": {Behaviour value: str ("over 400"), ...},
      },
      "incidents": [
        {"id": str (random, opaque), "when": str ("about March 2025"), "sort_date": "YYYY-MM-DD" | None,
         "what": str, "where": str, "witnesses": str, "evidence": str}, ...
      ],
      "suspect": {
        "relationship": Relationship value, "name": str, "other_names": str, "age_or_dob": str,
        "address": str, "postcode": str, "description": str, "vehicle": str,
        "weapons": "yes" | "no" | "not_sure" | "", "weapons_detail": str, "history": str,
      },
      "impact": {"changes": [DailyLifeChange value, ...], "details": str, "support": str},
      "children": {
        "in_household": "yes" | "no" | "", "ages": str, "concerns": "yes" | "no" | "not_sure" | "",
        "concerns_detail": str, "children_used": "yes" | "no" | "not_sure" | "",
        "others_at_risk": "yes" | "no" | "not_sure" | "", "others_detail": str,
      },
      "orders": {"orders": [ORDER value ..., or "none" / "not_sure"], "broken": "yes" | "no" | "not_sure" | "",
                 "details": str},
      "evidence": {"held": [EVIDENCE value, ...], "description": str},
      "about_you": {"name": str, "date_of_birth": "YYYY-MM-DD" | None, "address": str, "postcode": str,
                    "withhold_address": bool, "communication_needs": str, "interpreter": str, "disability": str},
      "contact": {
        "safe": "yes" | "some_ways" | "no", "ways": [CONTACT_WAY value, ...],
        "phone": str, "email": str, "trusted_name": str, "trusted_phone": str,
        "voicemail": "yes" | "no", "safe_times": str, "code_word": str,
        "accounts_accessed": "yes" | "no" | "not_sure",
      },
      "declaration": True,
    }

A ReportUpdate (something added later to a sent report) stores {"incidents": int, "files": int} and, when the
victim changed them, "contact" in exactly the shape above; staff pages read the newest contact rules
(app.services.safe_contact.latest_answers).

Evidence files are rows (EvidenceFile) on the draft, not in the dict; the report passphrase is
passed to submit_report separately and only its argon2 hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    """One page of the journey: its endpoint, the answers key it fills and its check-answers heading."""

    endpoint: str
    section: str
    heading: str
    # Shown only when this says so for the answers so far (None: always shown).
    applies: Callable[[dict[str, Any]], bool] | None = None

    def shown_for(self, answers: dict[str, Any]) -> bool:
        """Say whether this page is part of the journey for these answers."""
        return self.applies is None or self.applies(answers)


def is_third_party(answers: dict[str, Any] | None) -> bool:
    """Whether someone is reporting for another person (a friend, relative or professional)."""
    reporter = (answers or {}).get("reporter")
    return isinstance(reporter, dict) and reporter.get("role") in {"on_behalf", "professional"}


# Links from check answers carry this, so the page goes back there once answered.
RETURN_TO_CHECK: dict[str, Any] = {"return": "check"}

# The question pages in order; Back and Continue follow this list.
STEPS: tuple[Step, ...] = (
    Step("public.journey_start", "danger", "Danger now"),
    Step("public.staying_safe", "", "Staying safe"),
    Step("public.who_is_reporting", "reporter", "Who is reporting"),
    Step("public.reporter_details", "reporter", "About you, the person reporting", applies=is_third_party),
    Step("public.how_many_times", "criteria", "How many times"),
    Step("public.unwanted", "criteria", "Unwanted"),
    Step("public.feelings", "criteria", "How it made you feel"),
    Step("public.what_this_may_be", "", "What this may be"),
    Step("public.what_has_happened", "behaviours", "What has been happening"),
    Step("public.how_often", "behaviours", "How often"),
    Step("public.incidents", "incidents", "Incidents"),
    Step("public.suspect_relationship", "suspect", "The person doing this"),
    Step("public.suspect_identity", "suspect", "Who they are"),
    Step("public.suspect_more", "suspect", "More about them"),
    Step("public.impact", "impact", "Impact on you"),
    Step("public.children", "children", "Children and others at risk"),
    Step("public.court_orders", "orders", "Court orders and bail"),
    Step("public.evidence_page", "evidence", "Evidence"),
    Step("public.about_you", "about_you", "About you"),
    Step("public.contact_safety", "contact", "Safe contact"),
    Step("public.contact_details", "contact", "Contact details"),
    Step("public.check_answers", "", "Check your answers"),
    Step("public.send_report", "", "Send your report"),
)
_INDEX = {step.endpoint: i for i, step in enumerate(STEPS)}


def next_endpoint(endpoint: str, answers: dict[str, Any] | None = None) -> str:
    """The page after this one, skipping pages that do not apply to these answers."""
    for step in STEPS[_INDEX[endpoint] + 1:]:
        if step.shown_for(answers or {}):
            return step.endpoint
    return STEPS[-1].endpoint


def previous_endpoint(endpoint: str, answers: dict[str, Any] | None = None) -> str | None:
    """The page before this one (skipping pages that do not apply), or None on the first page."""
    for step in reversed(STEPS[:_INDEX[endpoint]]):
        if step.shown_for(answers or {}):
            return step.endpoint
    return None
