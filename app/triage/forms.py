"""Forms for the queue filters and the triage decision."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.domain.priority import Priority
from app.domain.triage import (
    GRADE_LABELS,
    NEXT_STEP_LABELS,
    SAFEGUARDING,
    Classification,
    DecisionInput,
    decision_problems,
)
from app.models import Channel, Grade, NextStep
from app.web.fields import Required

NOTE_LIMIT = 5_000


class QueueFilterForm(FlaskForm):
    """The queue's filters: a GET form, so no CSRF token and the URL holds only codes."""

    class Meta:
        csrf = False

    priority = SelectField("Priority", widget=GovSelect(), validators=[Optional()],
                           choices=[SelectChoice("", "All priorities")]
                           + [SelectChoice(p.code, p.label) for p in Priority])
    channel = SelectField("Channel", widget=GovSelect(), validators=[Optional()],
                          choices=[SelectChoice("", "All channels")]
                          + [SelectChoice(c.value, c.label) for c in Channel])
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput())
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def priority_value(self) -> Priority | None:
        return next((p for p in Priority if p.code == self.priority.data), None)

    def channel_value(self) -> Channel | None:
        return next((c for c in Channel if c.value == self.channel.data), None)


def _note(label: str, hint: str = "") -> TextAreaField:
    field = TextAreaField(label, validators=[Optional(), Length(max=NOTE_LIMIT, message=(
        f"{label} must be {NOTE_LIMIT:,} characters or fewer"))], widget=GovCharacterCount(), description=hint)
    field.kwargs["render_kw"] = {"maxlength": NOTE_LIMIT}
    return field


class DecisionForm(FlaskForm):
    """The structured triage decision."""

    report_version = HiddenField()
    seen_update = HiddenField()
    threat = _note("Threat", "Who poses the threat, and what they intend")
    harm = _note("Harm", "How bad it would be if it happened")
    risk = _note("Risk", "How likely it is to happen")
    investigation = _note("Investigation", "Lines of enquiry, and who should follow them")
    vulnerability = _note("Vulnerability", "Can the victim protect themselves or others?")
    engagement = _note("Engagement", "What contact the victim needs from us")
    grade = RadioField("Grade", widget=GovRadioInput(), validators=[Required("Select a grade")],
                       choices=[SelectChoice(g.value, GRADE_LABELS[g]) for g in Grade])
    classifications = SelectMultipleField(
        "Classification", widget=GovCheckboxesInput(), validators=[Optional()],
        description="Select all that apply. Think stalking first.",
        choices=[SelectChoice(c.value, c.label) for c in Classification])
    harassment_reason = _note("Why harassment rather than stalking?",
                              "Needed when you choose harassment without stalking")
    safeguarding = SelectMultipleField("Safeguarding", widget=GovCheckboxesInput(), validators=[Optional()],
                                       description="Select any that apply",
                                       choices=[SelectChoice(k, v) for k, v in SAFEGUARDING.items()])
    next_step = RadioField("Next step", widget=GovRadioInput(), validators=[Required("Select the next step")],
                           choices=[SelectChoice(s.value, NEXT_STEP_LABELS[s]) for s in NextStep])
    assigned_to = SelectField("Officer or VEO", widget=GovSelect(), validators=[Optional()],
                              description="Only when assigning to a named officer or VEO", choices=[])
    rationale = _note("Rationale", "Needed for no further action: why nothing more is needed")
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def set_officers(self, officers) -> None:
        self.assigned_to.choices = [SelectChoice("", "Select an officer")] + [
            SelectChoice(str(o.id), f"{o.name}{' (VEO)' if o.is_veo else ''}") for o in officers]

    def to_input(self) -> DecisionInput:
        grade = next((g for g in Grade if g.value == self.grade.data), None)
        next_step = next((n for n in NextStep if n.value == self.next_step.data), None)
        return DecisionInput(
            grade=grade,
            classifications=tuple(Classification(c) for c in self.classifications.data or []
                                  if c in Classification._value2member_map_),
            next_step=next_step,
            thrive={name: self[name].data or "" for name in ("threat", "harm", "risk", "investigation",
                                                             "vulnerability", "engagement")},
            safeguarding=tuple(self.safeguarding.data or ()),
            harassment_reason=self.harassment_reason.data or "",
            assigned_to_id=int(self.assigned_to.data) if (self.assigned_to.data or "").isdigit() else None,
            rationale=self.rationale.data or "",
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The decision rules run even when a field is missing, so every problem shows at once.
        problems = decision_problems(self.to_input())
        for name, message in problems.items():
            if message not in self[name].errors:
                self[name].errors = [*self[name].errors, message]
        return valid and not problems
