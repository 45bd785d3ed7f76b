"""Forms for officer casework. Each change form carries the case's version to refuse stale saves."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput

from app.domain.instruments import Instrument, RiskLevel
from app.domain.safe_contact import CHANNELS, OUTCOMES
from app.domain.working_days import EnhancedRightsCategory
from app.models import CaseOutcome, CaseStatus, ReferralConsent, ReferralStatus
from app.web.fields import Required

REASON = 2_000


class VersionedForm(FlaskForm):
    """A form that changes a case: the version the officer saw rides along in a hidden field."""

    version = IntegerField(widget=HiddenInput(), validators=[Required("Reload the page and try again")])


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ClaimForm(FlaskForm):
    """A pick-up button (CSRF only)."""


class StatusForm(VersionedForm):
    status = RadioField(
        "New status",
        choices=_choices((s.value, s.label) for s in CaseStatus),
        widget=GovRadioInput(),
        validators=[Required("Select the new status")],
    )
    outcome = SelectField(
        "Outcome (when closing the case)",
        choices=[SelectChoice("", "Choose an outcome"), *_choices((o.value, o.label) for o in CaseOutcome)],
        widget=GovSelect(),
        validators=[Optional()],
    )
    rationale = TextAreaField(
        "Rationale (needed for no further action)",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=REASON, message=f"The rationale must be {REASON:,} characters or fewer")],
    )


class EnhancedRightsForm(VersionedForm):
    enhanced = RadioField(
        "Does the victim have enhanced rights under the Victims' Code?",
        choices=_choices([("yes", "Yes"), ("no", "No")]),
        widget=GovRadioInput(),
        validators=[Required("Select yes if the victim has enhanced rights")],
    )
    category = RadioField(
        "Why they have enhanced rights",
        choices=_choices((c.value, c.label) for c in EnhancedRightsCategory),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    reason = TextAreaField(
        "Explain your decision",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Note",
        widget=GovCharacterCount(),
        validators=[Required("Enter the note"),
                    Length(max=10_000, message="The note must be 10,000 characters or fewer")],
    )
    corrects = HiddenField()


class ContactForm(VersionedForm):
    channel = RadioField(
        "How did you try to contact the victim?",
        choices=_choices(CHANNELS.items()),
        widget=GovRadioInput(),
        validators=[Required("Select how you contacted the victim")],
    )
    outcome = RadioField(
        "What happened?",
        choices=_choices(OUTCOMES.items()),
        widget=GovRadioInput(),
        validators=[Required("Select what happened")],
    )
    gave_update = BooleanField("The victim was given an update on the case", widget=GovCheckboxInput())
    acknowledgement = BooleanField("This gave the victim the written acknowledgement (reference and what happens next)",
                                   widget=GovCheckboxInput())
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The summary must be {REASON:,} characters or fewer")],
    )
    override_reason = TextAreaField(
        "Reason for using a way the victim marked unsafe (only if you did)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )


def _consent_field() -> RadioField:
    return RadioField(
        "Has the victim consented to the referral?",
        choices=_choices([(ReferralConsent.GIVEN.value, "Yes, consent given"),
                          (ReferralConsent.REFUSED.value, "No, consent refused"),
                          (ReferralConsent.NOT_ASKED.value, "Not asked")]),
        widget=GovRadioInput(),
        validators=[Required("Select whether the victim consented")],
    )


def _consent_note_field() -> TextAreaField:
    return TextAreaField(
        "If consent was refused or not asked, explain why",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The explanation must be {REASON:,} characters or fewer")],
    )


class ReferralConsentForm(VersionedForm):
    """Consent recorded after the referral was made; the version is the referral's."""

    consent = _consent_field()
    consent_note = _consent_note_field()


class ReferralForm(VersionedForm):
    # Fields are made here, in page order, so the error summary lists them as the page does.
    partner = RadioField("Partner agency", widget=GovRadioInput(), validators=[Required("Select a partner agency")])
    consent = _consent_field()
    consent_note = _consent_note_field()
    reason = TextAreaField(
        "Reason for the referral (shared with the partner)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )


class ReferralStatusForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[Required("Reload the page and try again")])
    status = RadioField(
        "New status",
        choices=_choices((s.value, s.label) for s in ReferralStatus if s is not ReferralStatus.PROPOSED),
        widget=GovRadioInput(),
        validators=[Required("Select the new status")],
    )


class LinkForm(VersionedForm):
    reference = StringField(
        "Reference of the report to link",
        widget=GovTextInput(),
        validators=[Required("Enter the report's reference"),
                    Length(max=20, message="Enter a reference like K7Q-4MX-9PT")],
    )
    reason = TextAreaField(
        "Why is it part of the same course of conduct?",
        widget=GovTextArea(),
        validators=[Required("Explain why this report is part of the same course of conduct"),
                    Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )


class UnlinkForm(VersionedForm):
    reason = TextAreaField(
        "Why is this report not part of the case?",
        widget=GovTextArea(),
        validators=[Required("Explain why this report is not part of the case"),
                    Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )


class ReassignForm(VersionedForm):
    officer = SelectField("Give the case to", widget=GovSelect(), validators=[Required("Select an officer")])


ANSWER_CHOICES = _choices([("yes", "Yes"), ("no", "No"), ("not_known", "Not known")])


def risk_form_class(instrument: Instrument) -> type[VersionedForm]:
    """Build the form for one instrument: a yes / no / not known question per item, then the judgement."""
    fields = {}
    for item in instrument.items:
        fields[f"item_{item.id}"] = RadioField(
            f"{item.id}. {item.question}",
            choices=ANSWER_CHOICES,
            description=item.help or None,
            widget=GovRadioInput(),
            validators=[Required(f"Answer question {item.id}: yes, no or not known")],
        )
    keep = [] if not instrument.banded else [SelectChoice("", "Use the level the answers give")]
    fields["judgement_level"] = RadioField(
        "Risk level in your professional judgement",
        choices=[*keep, *_choices((level.value, level.label) for level in RiskLevel)],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    fields["judgement_reason"] = TextAreaField(
        "Reason for your judgement",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=REASON, message=f"The reason must be {REASON:,} characters or fewer")],
    )
    return type(f"RiskForm_{instrument.id.replace('-', '_')}", (VersionedForm,), fields)
