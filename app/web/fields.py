"""Form fields and validators shared by every blueprint's forms: GOV.UK widgets, server-side validation only."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DateField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation


class Required(InputRequired):
    """InputRequired without the `required` attribute: GOV.UK pages validate on the server only."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.field_flags: dict[str, Any] = {}


class ConfirmForm(FlaskForm):
    """A single POST button (sign out, deactivate, claim, release)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


SHORT = 200
MEDIUM = 1_000
LONG = 5_000
VERY_LONG = 20_000


class NotBlank(Required):
    """Required, and not only spaces."""

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


class DateInput(GovDateInput):
    """The GOV.UK date input, with the container id on the field name so errors link to the day box."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["id"] = field.name
        for item, part in zip(params["items"], ("day", "month", "year"), strict=True):
            item["autocomplete"] = f"bday-{part}"
        return params


class GovDateField(DateField):
    """A date of day, month and year boxes; months may be typed as words ("mar", "March")."""

    def process_formdata(self, valuelist):
        # Always three boxes to re-render, even from a post that left some out (not from our page).
        self.raw_data = ([*(valuelist or []), "", "", ""])[:3]
        day, month, year = self.raw_data
        if not any(v.strip() for v in self.raw_data):
            self.data = None
            return
        month = _MONTHS.get(month.strip().lower()[:3], month.strip())
        try:
            self.data = date(int(year), int(month), int(day))
        except (TypeError, ValueError):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 1985") from None


class OptionalDate:
    """A date that may be left blank: only all three boxes empty counts as no answer."""

    field_flags: dict = {}

    def __call__(self, form, field) -> None:
        if not any((part or "").strip() for part in field.raw_data or []):
            field.errors[:] = []
            raise StopValidation()


_MONTHS = {m: str(i) for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


YES_NO_NOT_SURE = choices([("yes", "Yes"), ("no", "No"), ("not_sure", "I'm not sure")])
YES_NO = choices([("yes", "Yes"), ("no", "No")])


def text(label: str, limit: int = SHORT, hint: str = "", required: str | None = None, **kw) -> StringField:
    """An optional (or required) single-line text field with a length limit."""
    # No Optional(): it would stop the chain before a page's own cross-field checks.
    validators = [NotBlank(required)] if required else []
    validators.append(Length(max=limit, message=f"{label} must be {limit} characters or fewer"))
    return StringField(label, validators=validators, description=hint, widget=GovTextInput(),
                       filters=[_strip], **kw)


def long_text(label: str, limit: int = LONG, hint: str = "", required: str | None = None) -> TextAreaField:
    """A textarea with a character count; generous limits so nobody has to cut their story short."""
    validators = [NotBlank(required)] if required else []
    validators.append(Length(max=limit, message=f"{label} must be {limit:,} characters or fewer"))
    field = TextAreaField(label, validators=validators, description=hint, widget=GovCharacterCount(),
                          filters=[_strip])
    field.kwargs["render_kw"] = {"maxlength": limit}
    return field


def radios(label: str, choices, required: str | None = None, hint: str = "") -> RadioField:
    """Radios; optional unless `required` gives the error message."""
    validators = [Required(required)] if required else [Optional()]
    return RadioField(label, choices=choices, validators=validators, description=hint, widget=GovRadioInput())


def checkboxes(label: str, choices, hint: str = "") -> SelectMultipleField:
    """Checkboxes, all optional."""
    return SelectMultipleField(label, choices=choices, description=hint, widget=GovCheckboxesInput())




def _limit(field: Any) -> int | None:
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            return validator.max
    return None


def field_params(field: Any, heading: bool = False, size: str = "m") -> dict[str, Any]:
    """GOV.UK macro params for a field: the first question on a single-question page is the h1.

    `size` is the legend and label size for questions that are not the heading: "m" on a question page,
    "s" on a long page of many questions (the phone report).
    """
    widget = field.widget.__class__.__name__
    grouped = widget in {"GovRadioInput", "GovCheckboxesInput", "DateInput"}
    params: dict[str, Any] = {}
    if grouped:
        legend: dict[str, Any] = {"text": field.label.text,
                                  "classes": "govuk-fieldset__legend--l" if heading
                                  else f"govuk-fieldset__legend--{size}"}
        if heading:
            legend["isPageHeading"] = True
        params["fieldset"] = {"legend": legend}
    elif widget == "GovCheckboxInput":
        params = {}
    else:
        params["label"] = {"text": field.label.text, "classes": "govuk-label--l" if heading else "govuk-label--s"}
        if heading:
            params["label"]["isPageHeading"] = True
    if widget == "GovCharacterCount":
        params["maxlength"] = _limit(field)
        params["rows"] = 5 if size == "m" else 3
    if widget == "GovTextInput" and (_limit(field) or 0) <= 40:
        params["classes"] = "govuk-input--width-20"
    return params
