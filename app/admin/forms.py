"""Forms for the staff-account admin screens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.models import Role
from app.web.fields import Required


class CreateStaffForm(FlaskForm):
    name = StringField("Full name", validators=[Required("Enter the person's full name"), Length(max=120)],
                       widget=GovTextInput())
    email = StringField("Email address", validators=[Required("Enter the person's email address"), Length(max=254)],
                        widget=GovTextInput())
    role = RadioField("Role", widget=GovRadioInput(), validators=[Required("Select the person's role")],
                      choices=[SelectChoice(role.value, role.label) for role in Role])
    is_veo = BooleanField("Victim Engagement Officer (officers only)", widget=GovCheckboxInput())
    submit = SubmitField("Create account", widget=GovSubmitInput())
