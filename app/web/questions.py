"""The report's questions, one small form per page: the victim's journey asks them one page at a time, and a
call handler's phone report asks them all on one page. Each form loads its section of the answers dict
(`load`) and gives it back (`dump`) in the stored shape (app.domain.answers).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, ValidationError

from app.domain import uk_time
from app.domain.approx_dates import parse_approximate_date
from app.domain.behaviours import Behaviour
from app.domain.criteria import DailyLifeChange, FearCount, Feeling, Occasions, Relationship, Unwanted
from app.web.fields import (
    LONG,
    MEDIUM,
    SHORT,
    VERY_LONG,
    YES_NO,
    YES_NO_NOT_SURE,
    DateInput,
    GovDateField,
    OptionalDate,
    checkboxes,
    choices,
    long_text,
    radios,
    text,
)


class SectionForm(FlaskForm):
    """A question page's form: loads its answers from, and dumps them to, the answers dict."""

    # Names of fields stored under the section; None means every data field.
    answer_fields: tuple[str, ...] | None = None
    # Labels (or (label, hint) pairs) for someone reporting for another person: "them", not "you".
    third_party: dict[str, str | tuple[str, str]] = {}

    def for_third_party(self) -> SectionForm:
        """Word the questions about the person it is happening to, for a friend, relative or professional."""
        for name, words in self.third_party.items():
            if name in self:
                label, hint = words if isinstance(words, tuple) else (words, None)
                # Errors found while reading the post (a date that is not real) already carry the old label.
                old = self[name].label.text
                self[name].process_errors = [error.replace(old, label) for error in self[name].process_errors]
                self[name].label.text = label
                if hint is not None:
                    self[name].description = hint
        return self

    def answer_names(self) -> list[str]:
        names = [name for name in self._fields if name != "csrf_token"]
        return [n for n in names if self.answer_fields is None or n in self.answer_fields]

    def load(self, section: dict[str, Any]) -> None:
        """Fill the form from stored answers (GET)."""
        for name in self.answer_names():
            if name in section:
                self[name].data = section[name]

    def dump(self) -> dict[str, Any]:
        """The answers this form holds, as JSON-safe values."""
        out: dict[str, Any] = {}
        for name in self.answer_names():
            value = self[name].data
            if isinstance(value, date):
                value = value.isoformat()
            out[name] = "" if value is None else value
        return out


# 1. Danger now -----------------------------------------------------------------------------------

class DangerForm(SectionForm):
    danger = radios("Is anyone in danger right now?", choices([
        ("yes", "Yes, someone is in danger now"), ("no", "No"), ("not_sure", "I'm not sure")]),
        required="Select yes if anyone is in danger right now",
        hint="For example, if the person is with you or outside, or someone has been hurt.")


# 2. Who is reporting -----------------------------------------------------------------------------

REPORTER_ROLES = choices([
    ("self", "It is happening to me"),
    ("on_behalf", "I am reporting for someone else, such as a friend or family member"),
    ("professional", "I am reporting as a professional, such as a support worker, teacher or doctor"),
])


class ReporterForm(SectionForm):
    role = radios("Who is making this report?", REPORTER_ROLES, required="Select who is making this report")
    relationship = text("Who are you to the person it is happening to?", SHORT,
                        hint="For example, their mother, friend or support worker")

    def validate_relationship(self, field) -> None:
        if self.role.data in {"on_behalf", "professional"} and not field.data:
            raise ValidationError("Enter who you are to the person it is happening to")

    def dump(self) -> dict[str, Any]:
        out = super().dump()
        if out.get("role") == "self":
            # The person it is happening to is reporting: nothing about another reporter may linger.
            out["relationship"] = ""
            out.update(dict.fromkeys(REPORTER_DETAIL_FIELDS, ""))
        return out


REPORTER_DETAIL_FIELDS = ("name", "organisation", "job_title", "phone", "email", "victim_knows")


class ReporterDetailsForm(SectionForm):
    """The reporter's own details, asked only when they report for someone else."""

    name = text("Your name", SHORT, hint="Any name you use is fine", render_kw={"autocomplete": "name"})
    organisation = text("Your organisation", SHORT, hint="For example, the school, surgery or charity you work for",
                        render_kw={"autocomplete": "organization"})
    job_title = text("Your role", SHORT, hint="For example, support worker, teacher or GP",
                     render_kw={"autocomplete": "organization-title"})
    phone = text("A phone number that is safe for us to call you on", 40, render_kw={"autocomplete": "tel"})
    email = text("An email address that is safe for us to use", 254, render_kw={"autocomplete": "email"})
    victim_knows = radios("Does the person it is happening to know you are reporting?", YES_NO_NOT_SURE,
                          required="Select whether the person it is happening to knows you are reporting")

    def validate_email(self, field) -> None:
        if field.data:
            Email(message="Enter an email address in the correct format, like name@example.com")(self, field)


class FriendOrRelativeDetailsForm(ReporterDetailsForm):
    """The same page for a friend or relative: no organisation or role to ask about."""

    organisation = None
    job_title = None


def reporter_details_class(role: str | None) -> type[ReporterDetailsForm]:
    """The reporter-details form for this kind of reporter (organisation and role only for a professional)."""
    return ReporterDetailsForm if role == "professional" else FriendOrRelativeDetailsForm


# 3. Criteria -------------------------------------------------------------------------------------

class OccasionsForm(SectionForm):
    occasions = radios("How many times has it happened?", choices((o.value, o.label) for o in Occasions),
                       required="Select how many times it has happened, or select I'm not sure",
                       hint="Count each time they contacted you, followed you, turned up or did anything else.")


class UnwantedForm(SectionForm):
    unwanted = radios("Is it unwanted?", choices((u.value, u.label) for u in Unwanted),
                      required="Select whether it is unwanted, or select I'm not sure",
                      hint="You do not need to have asked them to stop.")


class FeelingsForm(SectionForm):
    feelings = checkboxes("How has it made you feel?", choices((f.value, f.label) for f in Feeling),
                          hint="Select all that apply.")
    feared_violence_times = radios(
        "If you have been afraid they will use violence, how many times have you felt that?",
        choices([(FearCount.ONCE.value, "Once"), (FearCount.TWICE_OR_MORE.value, "Twice or more"),
                  (FearCount.NOT_SURE.value, "I'm not sure")]))

    third_party = {
        "feelings": "How has it made them feel?",
        "feared_violence_times": "If they have been afraid the person will use violence, how many times have they "
                                 "felt that?",
    }

    def validate_feelings(self, field) -> None:
        exclusive = {Feeling.NONE.value, Feeling.NOT_SURE.value}
        chosen = set(field.data or [])
        if len(chosen) > 1 and chosen & exclusive:
            raise ValidationError("Select how it has made you feel, or select none of these or I'm not sure")


# 4. Behaviours -----------------------------------------------------------------------------------

BEHAVIOUR_CHOICES = [SelectChoice(b.value, b.label) for b in Behaviour]
FREQUENCIES = choices([
    ("daily", "Every day or almost every day"), ("weekly", "Every week"), ("monthly", "Every month"),
    ("less", "Less often than every month"), ("varies", "It varies"), ("not_sure", "I'm not sure")])


class BehavioursForm(SectionForm):
    answer_fields = ("selected", "other_detail")
    selected = checkboxes("What have they done?", BEHAVIOUR_CHOICES,
                          hint="Select all that apply. You can tell us more about each time later.")
    other_detail = long_text("If they did something else, tell us what", MEDIUM)


class HowOftenForm(SectionForm):
    """When it started, how often, the latest time, and a rough count per behaviour (fields added per draft)."""

    answer_fields = ("started", "frequency", "increasing", "most_recent")
    started = text("When did it start?", 100, hint="An approximate date is fine, for example about March 2025")
    frequency = radios("How often does it happen?", FREQUENCIES)
    increasing = radios("Is it happening more often, or getting worse?", YES_NO_NOT_SURE)
    most_recent = text("When was the most recent time?", 100,
                       hint="For example, yesterday, 2 May 2025 or about last week")

    def validate_started(self, field) -> None:
        _check_not_future(field)

    def validate_most_recent(self, field) -> None:
        _check_not_future(field)


def how_often_form(selected: list[str], **kwargs) -> HowOftenForm:
    """A HowOftenForm with a rough-count box for each behaviour the person ticked."""

    class _Form(HowOftenForm):
        pass

    for code in selected:
        try:
            label = Behaviour(code).label
        except ValueError:
            continue
        setattr(_Form, f"count_{code}", text(f"{label}: roughly how many times?", 100,
                                              hint="For example, over 400 or about 20. Leave blank if unsure."))
    return _Form(**kwargs)


def _check_not_future(field) -> None:
    if field.data:
        parsed = parse_approximate_date(field.data)
        if parsed is not None and parsed > uk_time.today():
            raise ValidationError(f"{field.label.text.rstrip('?')} must be today or in the past")


# 5. Incidents ------------------------------------------------------------------------------------

class IncidentForm(SectionForm):
    when = text("When did it happen?", 100, required="Enter when it happened, or an approximate date",
                hint="An approximate date is fine, for example 3 March 2025, about March 2025 or last summer")
    what = long_text("What happened?", VERY_LONG, required="Enter what happened")
    where = text("Where did it happen?", MEDIUM, hint="For example, outside my work, or on Instagram",
                 render_kw={"autocomplete": "off"})
    witnesses = long_text("Did anyone see or hear it?", MEDIUM, hint="Names, or how we could find them")
    evidence = long_text("Do you have anything that shows it happened?", MEDIUM,
                         hint="For example, a screenshot, a voicemail, doorbell footage or a diary entry")

    def validate_when(self, field) -> None:
        _check_not_future(field)

    def dump(self) -> dict[str, Any]:
        out = super().dump()
        parsed = parse_approximate_date(out.get("when") or "")
        out["sort_date"] = parsed.isoformat() if parsed else None
        return out


# 6. The person doing this ------------------------------------------------------------------------

class SuspectRelationshipForm(SectionForm):
    relationship = radios("Who is the person doing this to you?",
                          choices((r.value, r.label) for r in Relationship),
                          hint="If there is more than one person, tell us about the main one.")
    third_party = {"relationship": ("Who is the person doing this to them?",
                                    "Choose the answer they would give, for example \"My ex-partner\" if it is "
                                    "their ex-partner. If there is more than one person, tell us about the main one.")}


class SuspectIdentityForm(SectionForm):
    name = text("Their name", SHORT, hint="Leave blank if you do not know", render_kw={"autocomplete": "off"})
    other_names = text("Other names or nicknames they use", MEDIUM, hint="Including usernames online",
                       render_kw={"autocomplete": "off"})
    age_or_dob = text("Their age or date of birth", 40, hint="A rough age is fine, for example about 40",
                      render_kw={"autocomplete": "off"})
    address = long_text("Their address", MEDIUM, hint="Or where they live or stay, if you know")
    postcode = text("Their postcode", 10, render_kw={"autocomplete": "off"})


class SuspectMoreForm(SectionForm):
    description = long_text("What do they look like?", MEDIUM, hint="For example height, build, hair, tattoos")
    vehicle = text("What vehicle do they use?", MEDIUM, hint="Make, colour and number plate if you know",
                   render_kw={"autocomplete": "off"})
    weapons = radios("Do they have access to weapons?", YES_NO_NOT_SURE,
                     hint="Including guns, knives or anything they have used or threatened to use")
    weapons_detail = long_text("Tell us about the weapons", MEDIUM)
    history = long_text("Do you know of anything they have been reported or convicted for before?", LONG,
                        hint="Including against other people")


# 7. Impact ---------------------------------------------------------------------------------------

class ImpactForm(SectionForm):
    changes = checkboxes("Has it changed your day-to-day life?",
                         choices((c.value, c.label) for c in DailyLifeChange), hint="Select all that apply.")
    details = long_text("Tell us more about how it has affected you", LONG,
                        hint="For example, time off work or school, your health, or not going out")
    support = long_text("Who supports you?", MEDIUM, hint="For example, family, friends or a support service")
    third_party = {
        "changes": ("Has it changed their day-to-day life?", "Select all that apply, as far as you know."),
        "details": "Tell us more about how it has affected them",
        "support": "Who supports them?",
    }


# 8. Children and others --------------------------------------------------------------------------

class ChildrenForm(SectionForm):
    in_household = radios("Are there children in your household?", YES_NO)
    ages = text("How old are they?", SHORT)
    concerns = radios("Are you worried about the children's safety?", YES_NO_NOT_SURE)
    concerns_detail = long_text("Tell us what worries you", MEDIUM)
    children_used = radios("Have children been drawn into it?", YES_NO_NOT_SURE,
                           hint="For example, asked to watch you, pass on messages or questioned about you")
    others_at_risk = radios("Is anyone else at risk from this person?", YES_NO_NOT_SURE,
                            hint="For example, a new partner, family, friends or colleagues")
    others_detail = long_text("Tell us who, and why", MEDIUM)
    third_party = {
        "in_household": "Are there children in their household?",
        "children_used": ("Have children been drawn into it?",
                          "For example, asked to watch them, pass on messages or questioned about them"),
    }


# 9. Orders ---------------------------------------------------------------------------------------

ORDERS = choices([
    ("non_molestation", "Non-molestation order"), ("restraining", "Restraining order"),
    ("spo", "Stalking Protection Order"), ("bail", "Bail conditions"), ("other", "Another order or injunction"),
    ("none", "None of these"), ("not_sure", "I'm not sure")])


class OrdersForm(SectionForm):
    orders = checkboxes("Is there a court order or bail conditions to protect you from them?", ORDERS,
                        hint="Select all that apply.")
    broken = radios("Have they broken it?", YES_NO_NOT_SURE)
    details = long_text("Tell us about the order and any times it was broken", LONG,
                        hint="For example, which court, when it was made and what it says")
    third_party = {"orders": "Is there a court order or bail conditions to protect them from the person doing this?"}


# 10. Evidence ------------------------------------------------------------------------------------

EVIDENCE_KINDS = choices([
    ("screenshots", "Screenshots or photos"), ("messages", "Messages, emails or letters"),
    ("call_logs", "Call logs or voicemails"), ("footage", "Doorbell, CCTV or phone video"),
    ("witnesses", "People who saw or heard things"), ("diary", "A diary or notes"),
    ("gifts", "Gifts or things they left"), ("other", "Something else")])


class EvidenceForm(SectionForm):
    answer_fields = ("held", "description")
    held = checkboxes("What do you have that shows what happened?", EVIDENCE_KINDS,
                      hint="Select all that apply. You do not need evidence to report.")
    description = long_text("Describe what you have", LONG, hint="Where it is and what it shows")
    files = MultipleFileField("Upload files (optional)", widget=GovFileInput(multiple=True))


# 11. About you -----------------------------------------------------------------------------------

class AboutYouForm(SectionForm):
    name = text("Your full name", SHORT, hint="Any name you use is fine", render_kw={"autocomplete": "name"})
    # The field id is the day box's, so the error summary link lands on a focusable input.
    date_of_birth = GovDateField("Your date of birth", format="%d %m %Y", validators=[OptionalDate()],
                                 id="date_of_birth-day", widget=DateInput(), description="For example, 27 3 1985")
    withhold_address = BooleanField("It is not safe to give my address", widget=GovCheckboxInput())
    address = long_text("Your address", MEDIUM)
    postcode = text("Your postcode", 10, render_kw={"autocomplete": "postal-code"})
    communication_needs = long_text("Do you have any communication needs?", MEDIUM,
                                    hint="For example, a hearing or speech need, or British Sign Language")
    interpreter = text("Do you need an interpreter? If so, for which language?", SHORT)
    disability = long_text("Is there anything about your health or a disability we should know?", MEDIUM)
    third_party = {
        "name": ("Their full name", "Any name they use is fine"),
        "date_of_birth": "Their date of birth",
        "withhold_address": "It is not safe to give their address",
        "address": "Their address",
        "postcode": "Their postcode",
        "communication_needs": ("Do they have any communication needs?",
                                "For example, a hearing or speech need, or British Sign Language"),
        "interpreter": "Do they need an interpreter? If so, for which language?",
        "disability": "Is there anything about their health or a disability we should know?",
    }

    def load(self, section: dict[str, Any]) -> None:
        section = dict(section)
        if section.get("date_of_birth"):
            section["date_of_birth"] = date.fromisoformat(section["date_of_birth"])
        super().load(section)

    def validate_date_of_birth(self, field) -> None:
        if field.data and not (date(1900, 1, 1) <= field.data <= uk_time.today()):
            raise ValidationError("Date of birth must be in the past")


# 12. Safe contact --------------------------------------------------------------------------------

CONTACT_WAYS = choices([
    ("call", "Phone call"), ("text", "Text message"), ("email", "Email"), ("letter", "Letter"),
    ("trusted_person", "Through someone I trust")])


class ContactSafetyForm(SectionForm):
    safe = radios("Is it safe for us to contact you?", choices([
        ("yes", "Yes, in any way"), ("some_ways", "Yes, but only in certain ways"),
        ("no", "No, I will contact you")]), required="Select whether it is safe for us to contact you")
    ways = checkboxes("Which ways are safe?", CONTACT_WAYS,
                      hint="Select all that apply. We will not use the others.")
    accounts_accessed = radios("Could anyone else read your messages, email or get into your accounts?",
                               YES_NO_NOT_SURE, required="Select whether anyone else could read your messages",
                               hint="If you say yes or not sure, we will not email you.")
    third_party = {
        "safe": ("Is it safe for us to contact the person it is happening to?",
                 "We will use the details you gave about yourself to contact you."),
        "accounts_accessed": ("Could anyone else read their messages, email or get into their accounts?",
                              "If you say yes or not sure, we will not email them."),
    }

    def validate_ways(self, field) -> None:
        if self.safe.data == "some_ways" and not field.data:
            raise ValidationError("Select which ways are safe to contact you")
        if "email" in (field.data or []) and self.accounts_accessed.data in {"yes", "not_sure"}:
            raise ValidationError("Untick email: you told us someone else may read your messages, so we will "
                                  "not email you")


class ContactDetailsForm(SectionForm):
    phone = text("Phone number that is safe to use", 40, render_kw={"autocomplete": "tel"})
    email = text("Email address that is safe to use", 254, render_kw={"autocomplete": "email"})
    trusted_name = text("Name of the person you trust", SHORT)
    trusted_phone = text("Their phone number", 40)
    voicemail = radios("Can we leave a voicemail or message?", YES_NO,
                       required="Select yes if we can leave a voicemail")
    safe_times = text("When is it safe to contact you?", MEDIUM, hint="For example, weekdays 9am to 3pm")
    code_word = text("A code word (optional)", 50,
                     hint="If we call and you cannot talk, say the word and we will end the call")

    third_party = {
        "trusted_name": "Name of a person they trust",
        "safe_times": "When is it safe to contact them?",
        "code_word": ("A code word (optional)",
                      "If we call and they cannot talk, they can say the word and we will end the call"),
    }

    # The ways the person said are safe (set by the page), so the details they need are asked for.
    ways: list[str] = []

    def safe_ways(self) -> set[str]:
        """The ways said to be safe: set by the page, or a field of the same form (the add-to-report page)."""
        ways = self.ways
        return set(getattr(ways, "data", ways) or [])

    def validate_phone(self, field) -> None:
        if not field.data and {"call", "text"} & self.safe_ways():
            raise ValidationError("Enter a phone number that is safe to use, or go back and change the safe ways")

    def validate_trusted_name(self, field) -> None:
        if not field.data and "trusted_person" in self.safe_ways():
            raise ValidationError("Enter the name of the person you trust")

    def validate_email(self, field) -> None:
        if not field.data and "email" in self.safe_ways():
            raise ValidationError("Enter an email address that is safe to use, or go back and change the safe ways")
        if field.data:
            Email(message="Enter an email address in the correct format, like name@example.com")(self, field)


