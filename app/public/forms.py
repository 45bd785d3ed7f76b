"""Forms only the public pages use: sending, saving and resuming, signing in to a report, adding to it.

The question forms themselves are shared with the phone report: app.web.questions.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovPasswordInput
from wtforms import BooleanField, PasswordField
from wtforms.validators import Length, Optional

from app.web.fields import VERY_LONG, YES_NO, Required, long_text, radios, text
from app.web.questions import ContactDetailsForm, ContactSafetyForm, IncidentForm

# Check and send ----------------------------------------------------------------------------------

class SendForm(FlaskForm):
    passphrase = PasswordField("Choose a passphrase", widget=GovPasswordInput(),
                               description="At least 10 characters. You need it with your reference to add to "
                                           "your report or check on it. Leave blank if you do not want this.",
                               validators=[Optional(), Length(min=10, max=200, message=(
                                   "Passphrase must be between 10 and 200 characters"))])
    declaration = BooleanField("I confirm the information I have given is true, as far as I know",
                               widget=GovCheckboxInput(),
                               validators=[Required("Confirm the information is true, as far as you know")])


class SaveForm(FlaskForm):
    passphrase = PasswordField("Choose a passphrase", widget=GovPasswordInput(),
                               description="At least 10 characters. Something you will remember but others "
                                           "would not guess, for example 3 random words.",
                               validators=[Required("Enter a passphrase"), Length(
                                   min=10, max=200, message="Passphrase must be between 10 and 200 characters")])


class ResumeForm(FlaskForm):
    code = text("Return code", 20, required="Enter your return code", hint="For example, K7Q-4MX-9PT",
                render_kw={"autocomplete": "off", "spellcheck": "false"})
    passphrase = PasswordField("Passphrase", widget=GovPasswordInput(),
                               validators=[Required("Enter your passphrase"), Length(max=200)])


class ReportSignInForm(FlaskForm):
    reference = text("Report reference", 20, required="Enter your report reference",
                     hint="For example, K7Q-4MX-9PT", render_kw={"autocomplete": "off", "spellcheck": "false"})
    passphrase = PasswordField("Passphrase", widget=GovPasswordInput(),
                               validators=[Required("Enter your passphrase"), Length(max=200)])


class ContactChangedForm(FlaskForm):
    changed = radios("Have the safe ways to contact you changed?", YES_NO,
                     required="Select yes if the safe ways to contact you have changed",
                     hint="For example, a new safe phone number, or it is no longer safe to call or leave messages.")


class ContactUpdateForm(ContactSafetyForm, ContactDetailsForm):
    """The safe-contact questions on one page, for a report already made: stored as the newest rules."""

    # Asked only when some contact is allowed: the journey skips this page for "No, I will contact you".
    voicemail = radios("Can we leave a voicemail or message?", YES_NO)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Not an inline validator: the field's Optional() ends its chain before one could run.
        if self.safe.data in {"yes", "some_ways"} and not self.voicemail.data:
            self.voicemail.errors = ["Select yes if we can leave a voicemail"]
            valid = False
        return valid

    def dump(self) -> dict[str, Any]:
        out = super().dump()
        if out.get("safe") == "no":
            # Nobody may be contacted: keep no stale number or address to tempt anyone.
            out.update(dict.fromkeys(("phone", "email", "trusted_name", "trusted_phone", "voicemail", "safe_times",
                                      "code_word"), ""))
            out["ways"] = []
        return out


class AddToReportForm(IncidentForm):
    """A new incident, with optional files, for a report already made."""

    when = text("When did it happen?", 100, hint="An approximate date is fine, for example about March 2025")
    what = long_text("What happened?", VERY_LONG, hint="Leave blank if you are only adding files")
    files = MultipleFileField("Upload files (optional)", widget=GovFileInput(multiple=True))
    answer_fields = ("when", "what", "where", "witnesses", "evidence")
