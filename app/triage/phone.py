"""A report taken by phone: one long page with the online journey's own questions and validation."""

from __future__ import annotations

import secrets
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField

from app.models import Role
from app.services.errors import Conflict
from app.services.phone_reports import take_phone_report
from app.triage import bp
from app.web import questions as journey
from app.web.actor import current_actor
from app.web.security import role_required

INCIDENT_SLOTS = 3
# (answers key, heading, [(prefix, form class)]): the online journey's sections in its order.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, type], ...]], ...] = (
    ("danger", "Danger now", (("danger", journey.DangerForm),)),
    ("reporter", "Who is reporting", (("reporter", journey.ReporterForm),)),
    ("criteria", "What has happened, in outline", (("occasions", journey.OccasionsForm),
                                                   ("unwanted", journey.UnwantedForm),
                                                   ("feelings", journey.FeelingsForm))),
    ("behaviours", "What they have done", (("behaviours", journey.BehavioursForm),
                                          ("how_often", journey.HowOftenForm))),
    ("incidents", "Incidents", tuple((f"incident{n}", journey.IncidentForm) for n in range(1, INCIDENT_SLOTS + 1))),
    ("suspect", "The person doing this", (("suspect_relationship", journey.SuspectRelationshipForm),
                                          ("suspect_identity", journey.SuspectIdentityForm),
                                          ("suspect_more", journey.SuspectMoreForm))),
    ("impact", "Impact", (("impact", journey.ImpactForm),)),
    ("children", "Children and others at risk", (("children", journey.ChildrenForm),)),
    ("orders", "Court orders and bail", (("orders", journey.OrdersForm),)),
    ("evidence", "Evidence", (("evidence", journey.EvidenceForm),)),
    ("about_you", "About the victim", (("about_you", journey.AboutYouForm),)),
    ("contact", "Safe contact", (("contact_safety", journey.ContactSafetyForm),
                                 ("contact_details", journey.ContactDetailsForm))),
)


class PhoneReportForm(FlaskForm):
    """The CSRF token and the idempotency key; the questions are the journey's section forms."""

    submission_key = HiddenField()


class PhoneReport:
    """Every section form on one page, looking like one form to the error summary."""

    def __init__(self, formdata_present: bool) -> None:
        self.outer = PhoneReportForm()
        self.sections: list[tuple[str, str, list[journey.SectionForm]]] = []
        self._fields: dict[str, Any] = {}
        for key, heading, parts in SECTIONS:
            forms = [cls(prefix=prefix, meta={"csrf": False}) for prefix, cls in parts]
            self.sections.append((key, heading, forms))
            for form in forms:
                for name in form.answer_names():
                    field = form[name]
                    if field.widget.__class__.__name__ == "DateInput":
                        field.id = f"{field.name}-day"  # the error summary links to the day box
                    self._fields[field.name] = field
        self.posted = formdata_present

    def __getattr__(self, name: str):
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(name)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: field.errors for name, field in self._fields.items() if field.errors}

    def _incident_given(self, form) -> bool:
        return any((form[name].data or "").strip() for name in form.answer_names() if isinstance(form[name].data, str))

    def validate(self) -> bool:
        """Validate every section as the journey does; empty incident slots are skipped."""
        ok = self.outer.validate_on_submit()
        ways: list[str] = []
        for key, _, forms in self.sections:
            for form in forms:
                if key == "incidents" and not self._incident_given(form):
                    continue
                if isinstance(form, journey.ContactDetailsForm):
                    form.ways = ways
                valid = form.validate()
                if isinstance(form, journey.ContactSafetyForm):
                    ways = list(form.ways.data or [])
                ok = valid and ok
        return ok

    def answers(self) -> dict[str, Any]:
        """The answers dict in the journey's shape (app/public/steps.py)."""
        answers: dict[str, Any] = {}
        for key, _, forms in self.sections:
            if key == "danger":
                answers["danger"] = forms[0].danger.data
            elif key == "incidents":
                answers["incidents"] = [{"id": secrets.token_hex(6), **form.dump()} for form in forms
                                        if self._incident_given(form)]
            else:
                merged: dict[str, Any] = {}
                for form in forms:
                    merged.update(form.dump())
                if key == "behaviours":
                    merged.setdefault("counts", {})
                answers[key] = merged
        return answers


@bp.route("/phone-report", methods=["GET", "POST"])
@role_required(Role.CALL_HANDLER, Role.SUPERVISOR)
def phone_report():
    """Enter a 101 call as a report: the journey's questions on one page; it goes straight to the queue."""
    form = PhoneReport(formdata_present=True)
    if form.outer.is_submitted():
        if form.validate():
            try:
                report = take_phone_report(form.answers(), handler=current_actor(),
                                           submission_key=form.outer.submission_key.data or "")
            except Conflict as problem:
                flash(problem.message, "error")
                return redirect(url_for("triage.phone_report"))
            flash(f"Phone report saved with reference {report.reference}. It is in the triage queue.", "success")
            return redirect(url_for("triage.report", report_id=report.id))
    else:
        form.outer.submission_key.data = secrets.token_hex(16)
    return render_template("triage/phone_report.html", form=form)
