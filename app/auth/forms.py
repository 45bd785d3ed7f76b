"""Forms for signing in, setting up the authenticator app and changing a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, Length, Optional

from app.web.fields import Required


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[Required("Enter your email address"), Length(max=254)],
                        widget=GovTextInput())
    password = PasswordField("Password", validators=[Required("Enter your password"), Length(max=200)],
                             widget=GovPasswordInput())
    code = StringField("Security code", validators=[Optional(), Length(max=10)], widget=GovTextInput(),
                       description="The 6-digit code from your authenticator app. Leave this empty if you "
                                   "have not set one up yet.")
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class EnrolForm(FlaskForm):
    code = StringField("Security code", validators=[Required("Enter the 6-digit code from your authenticator app"),
                                                    Length(max=10)],
                       widget=GovTextInput(), description="The 6-digit code your app shows now")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[Required("Enter your current password")],
                                     widget=GovPasswordInput())
    new_password = PasswordField("New password", widget=GovPasswordInput(),
                                 description="At least 12 characters. A few unrelated words work well.",
                                 validators=[Required("Enter a new password"), Length(max=200)])
    confirm_password = PasswordField("Confirm new password", widget=GovPasswordInput(), validators=[
        Required("Enter your new password again"),
        EqualTo("new_password", message="The passwords do not match"),
    ])
    submit = SubmitField("Change password", widget=GovSubmitInput())
