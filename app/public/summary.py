"""The check-answers page's summary cards, built from the same forms that asked the questions."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from app.public.steps import RETURN_TO_CHECK, is_third_party
from app.web import questions as forms

# (endpoint, section, form factory, card heading); the order is the journey's.
PAGES: list[tuple[str, str, Any, str]] = [
    ("public.journey_start", "danger", lambda a: forms.DangerForm, "Safety now"),
    ("public.who_is_reporting", "reporter", lambda a: forms.ReporterForm, "About this report"),
    ("public.reporter_details", "reporter",
     lambda a: forms.reporter_details_class((a.get("reporter") or {}).get("role")), "About this report"),
    ("public.how_many_times", "criteria", lambda a: forms.OccasionsForm, "What is happening"),
    ("public.unwanted", "criteria", lambda a: forms.UnwantedForm, "What is happening"),
    ("public.feelings", "criteria", lambda a: forms.FeelingsForm, "What is happening"),
    ("public.what_has_happened", "behaviours", lambda a: forms.BehavioursForm, "What they have done"),
    ("public.how_often", "behaviours", None, "What they have done"),
    ("public.suspect_relationship", "suspect", lambda a: forms.SuspectRelationshipForm, "The person doing this"),
    ("public.suspect_identity", "suspect", lambda a: forms.SuspectIdentityForm, "The person doing this"),
    ("public.suspect_more", "suspect", lambda a: forms.SuspectMoreForm, "The person doing this"),
    ("public.impact", "impact", lambda a: forms.ImpactForm, "How it has affected you"),
    ("public.children", "children", lambda a: forms.ChildrenForm, "Children and others at risk"),
    ("public.court_orders", "orders", lambda a: forms.OrdersForm, "Court orders and bail conditions"),
    ("public.evidence_page", "evidence", lambda a: forms.EvidenceForm, "Evidence"),
    ("public.about_you", "about_you", lambda a: forms.AboutYouForm, "About you"),
    ("public.contact_safety", "contact", lambda a: forms.ContactSafetyForm, "Safe contact"),
    ("public.contact_details", "contact", lambda a: forms.ContactDetailsForm, "Safe contact"),
]
# Card headings for someone reporting for another person.
THIRD_PARTY_HEADINGS = {"About you": "About the person it is happening to",
                        "How it has affected you": "How it has affected them"}
NOT_PROVIDED = Markup('<span class="govuk-hint govuk-!-margin-0">Not provided</span>')


def display(field, value: Any) -> Markup:
    """An answer as safe HTML: choice labels for codes, typed text escaped with its line breaks kept."""
    choices = {str(c.value): c.label for c in getattr(field, "choices", None) or []
               if hasattr(c, "value")} if getattr(field, "choices", None) else {}
    if value in (None, "", [], False):
        return NOT_PROVIDED
    if value is True:
        return Markup("Yes")
    if isinstance(value, list):
        return Markup("<br>").join(escape(choices.get(str(v), v)) for v in value)
    if choices:
        return escape(choices.get(str(value), value))
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def _row(key: str, value: Markup, href: str) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"html": value},
            "actions": {"items": [{"href": href, "text": "Change", "visuallyHiddenText": key.lower()}]}}


def summary_sections(answers: dict[str, Any], files: list) -> list[dict[str, Any]]:
    """Summary cards in journey order, one row per question."""
    cards: dict[str, list[dict[str, Any]]] = {}
    third_party = is_third_party(answers)
    for endpoint, section, factory, heading in PAGES:
        if endpoint == "public.reporter_details" and not third_party:
            continue
        if third_party:
            heading = THIRD_PARTY_HEADINGS.get(heading, heading)
        stored = answers.get(section)
        values = stored if isinstance(stored, dict) else {section: stored}
        href = url_for(endpoint, **RETURN_TO_CHECK)
        rows = cards.setdefault(heading, [])
        if factory is None:
            often = forms.how_often_form((answers.get("behaviours") or {}).get("selected") or [],
                                        formdata=None, meta={"csrf": False})
            counts = values.get("counts") or {}
            for name in [n for n in often._fields if n != "csrf_token"]:
                value = counts.get(name[len("count_"):]) if name.startswith("count_") else values.get(name)
                rows.append(_row(often[name].label.text, display(often[name], value), href))
            continue
        form: FlaskForm = factory(answers)(formdata=None, meta={"csrf": False})
        if third_party:
            form.for_third_party()
        for name in form.answer_names():
            rows.append(_row(form[name].label.text, display(form[name], values.get(name)), href))
        if section == "behaviours":
            count = len([i for i in answers.get("incidents") or [] if isinstance(i, dict)])
            rows.append(_row("Times it happened (incident log)",
                             escape(f"{count} incident{'s' if count != 1 else ''}") if count else NOT_PROVIDED,
                             url_for("public.incidents", **RETURN_TO_CHECK)))
        if section == "evidence" and endpoint == "public.evidence_page":
            names = Markup("<br>").join(escape(f.original_name) for f in files) if files else NOT_PROVIDED
            rows.append(_row("Files uploaded", names, href))
    return [{"heading": heading, "rows": rows} for heading, rows in cards.items()]
