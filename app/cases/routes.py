"""Officer routes: parse the form, call one service, redirect or render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from app.cases import bp
from app.cases.forms import (
    ClaimForm,
    ContactForm,
    EnhancedRightsForm,
    LinkForm,
    NoteForm,
    ReferralConsentForm,
    ReferralForm,
    ReferralStatusForm,
    StatusForm,
    UnlinkForm,
    risk_form_class,
)
from app.domain.referrals import CONSENT_OPEN, TRANSITIONS
from app.domain.working_days import EnhancedRightsCategory
from app.models import CaseOutcome, CaseStatus, ReferralConsent, ReferralStatus, Role
from app.services import triage as triage_service
from app.services.casework import (
    access,
    case_page,
    claims,
    contacts,
    links,
    lists,
    notes,
    referrals,
    risk,
    status,
    victim_contact,
)
from app.services.evidence import human_size
from app.web.actor import current_actor
from app.web.report_contents import answer_sections
from app.web.security import role_required
from app.web.service_calls import form_page, run

CASEWORKERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


def _open_case(case_id: int, *, change: bool = True):
    """Load a case for one of its pages, refusing people who may not change (or see) it; a GET is audited."""
    return access.open_case(case_id, current_actor(), change=change, page=request.endpoint or "",
                            audit_view=request.method == "GET")


@bp.get("/pool")
@role_required(*CASEWORKERS)
def pool():
    """Cases to pick up, most urgent first."""
    return render_template("cases/pool.html", rows=lists.pool(), form=ClaimForm())


@bp.post("/pool/pick-up-next")
@role_required(Role.OFFICER)
def claim_next():
    """Pick up the most urgent case in the pool."""
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    case = claims.claim_next(current_actor())
    if case is None:
        flash("There are no cases waiting to be picked up.", "info")
        return redirect(url_for("cases.pool"))
    flash("You picked up this case.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/<int:case_id>/pick-up")
@role_required(Role.OFFICER)
def claim(case_id: int):
    """Pick up one case from the pool."""
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        claims.claim_case(case_id, current_actor())
    except claims.AlreadyClaimed as error:
        flash(error.message, "error")
        return redirect(url_for("cases.pool"))
    flash("You picked up this case.", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.get("/mine")
@role_required(Role.OFFICER)
def mine():
    """My cases, overdue Victims' Code obligations first."""
    return render_template("cases/mine.html", rows=lists.my_cases(current_actor()))


@bp.get("/<int:case_id>")
@role_required(*CASEWORKERS)
def show(case_id: int):
    """The case page: safe contact first, then the case, its work and one timeline."""
    page = case_page.view_case(case_id, current_actor())
    return render_template(
        "cases/show.html", page=page, claim_form=ClaimForm(), suggestions=links.suggestions(case_id),
        partners={p.code: p for p in referrals.partners()}, transitions=TRANSITIONS,
        consent_open=CONSENT_OPEN,
        instruments=risk.instruments(),
    )


@bp.get("/<int:case_id>/reports/<int:report_id>")
@role_required(*CASEWORKERS)
def report(case_id: int, report_id: int):
    """A report in this case, whole: safe contact first, then every answer, incidents, evidence and updates."""
    case = _open_case(case_id, change=False)
    if not access.report_in_case(case.id, report_id):
        abort(404)
    data = triage_service.view_report(report_id, current_actor(), purpose="casework")
    return render_template(
        "cases/report.html", case=case, report=data.report, data=data,
        rules=victim_contact.rules_for_reports([data.report], data.updates),
        sections=answer_sections(data.report.parsed_answers()), human_size=human_size,
    )


# --- risk assessment ---------------------------------------------------------------------------------

@bp.route("/<int:case_id>/risk-assessment/<instrument_id>", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def risk_assessment(case_id: int, instrument_id: str):
    """Complete a risk checklist."""
    case = _open_case(case_id)
    inst = risk.instrument(instrument_id)
    form = risk_form_class(inst)()
    if request.method == "GET":
        form.version.data = case.version
    context = {"case": case, "instrument": inst, "current_version": case.version, "preview": None}
    if form.validate_on_submit():
        answers = {item.id: form[f"item_{item.id}"].data for item in inst.items}
        context["preview"] = risk.preview(case, inst, answers)
        _, response = run(form, lambda: risk.record_assessment(
            case_id, current_actor(), instrument_id=inst.id, answers=answers, expected_version=form.version.data,
            judgement_level=form.judgement_level.data or None, judgement_reason=form.judgement_reason.data,
        ), "cases/risk_assessment.html", **context)
        if response is not None:
            return response
        flash("Risk assessment saved.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="risk"))
    return form_page("cases/risk_assessment.html", form, **context)


# --- referrals ----------------------------------------------------------------------------------------

def _referral_form() -> ReferralForm:
    form = ReferralForm()
    form.partner.choices = [SelectChoice(p.code, p.name) for p in referrals.partners()]
    return form


@bp.route("/<int:case_id>/referrals/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new_referral(case_id: int):
    """Refer the victim to a partner agency."""
    case = _open_case(case_id)
    form = _referral_form()
    if request.method == "GET":
        form.version.data = case.version
        if request.args.get("partner") in {p.code for p in referrals.partners()}:
            form.partner.data = request.args["partner"]
    context = {"case": case, "partners": referrals.partners(), "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: referrals.make_referral(
            case_id, current_actor(), partner_code=form.partner.data, consent=ReferralConsent(form.consent.data),
            consent_note=form.consent_note.data, reason=form.reason.data, expected_version=form.version.data,
        ), "cases/referral_new.html", **context)
        if response is not None:
            return response
        flash("Referral recorded as proposed.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="referrals"))
    return form_page("cases/referral_new.html", form, **context)


@bp.route("/<int:case_id>/referrals/<int:referral_id>/status", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def referral_status(case_id: int, referral_id: int):
    """Record that a referral was sent, accepted or declined."""
    case = _open_case(case_id)
    referral = referrals.get_referral(case_id, referral_id)
    form = ReferralStatusForm()
    allowed = TRANSITIONS[referral.status]
    form.status.choices = [SelectChoice(s.value, s.label) for s in allowed]
    if request.method == "GET":
        form.version.data = referral.version
    context = {"case": case, "referral": referral, "current_version": referral.version,
               "may_send": referrals.may_send(referral.partner, referral.consent)}
    if form.validate_on_submit():
        _, response = run(form, lambda: referrals.change_referral_status(
            case_id, referral_id, current_actor(), status=ReferralStatus(form.status.data),
            expected_version=form.version.data,
        ), "cases/referral_status.html", **context)
        if response is not None:
            return response
        flash(f"Referral to {referral.partner_name} marked {referral.status.label.lower()}.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="referrals"))
    return form_page("cases/referral_status.html", form, **context)


@bp.route("/<int:case_id>/referrals/<int:referral_id>/consent", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def record_consent(case_id: int, referral_id: int):
    """Record the victim's consent to a referral after it was made: asked later, given, refused or withdrawn."""
    case = _open_case(case_id)
    referral = referrals.get_referral(case_id, referral_id)
    form = ReferralConsentForm()
    if request.method == "GET":
        form.version.data = referral.version
    context = {"case": case, "referral": referral, "current_version": referral.version,
               "consent_needed": referrals.consent_needed_to_send(referral.partner)}
    if form.validate_on_submit():
        _, response = run(form, lambda: referrals.record_consent(
            case_id, referral_id, current_actor(), consent=ReferralConsent(form.consent.data),
            consent_note=form.consent_note.data, expected_version=form.version.data,
        ), "cases/referral_consent.html", **context)
        if response is not None:
            return response
        flash(f"Consent to the referral to {referral.partner_name} recorded: {referral.consent.label.lower()}.",
              "success")
        if referrals.partner_must_be_told(referral):
            flash(f"The referral was already {referral.status.label.lower()}: tell {referral.partner_name} "
                  "that the victim no longer consents.", "warning")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="referrals"))
    return form_page("cases/referral_consent.html", form, **context)


@bp.get("/<int:case_id>/referrals/<int:referral_id>/summary")
@role_required(*CASEWORKERS)
def referral_summary(case_id: int, referral_id: int):
    """A printable summary holding only what the partner needs."""
    summary = referrals.referral_summary(case_id, referral_id, current_actor())
    return render_template("cases/referral_summary.html", summary=summary, case_id=case_id)


# --- contact, notes, status -----------------------------------------------------------------------------

@bp.route("/<int:case_id>/contact-attempts/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new_contact(case_id: int):
    """Record an attempt to contact the victim."""
    case = _open_case(case_id)
    form = ContactForm()
    if request.method == "GET":
        form.version.data = case.version
    rules = victim_contact.rules_for_case(case)
    context = {"case": case, "rules": rules, "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: contacts.record_contact(
            case_id, current_actor(), channel=form.channel.data, outcome=form.outcome.data, summary=form.summary.data,
            gave_update=form.gave_update.data, acknowledgement=form.acknowledgement.data,
            override_reason=form.override_reason.data, expected_version=form.version.data,
        ), "cases/contact_new.html", **context)
        if response is not None:
            return response
        flash("Contact attempt recorded.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="timeline"))
    return form_page("cases/contact_new.html", form, **context)


@bp.route("/<int:case_id>/notes/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new_note(case_id: int):
    """Add a note, or a correction of an earlier note."""
    case = _open_case(case_id)
    form = NoteForm()
    corrects = notes.note_on_case(case.id, request.values.get("corrects", ""))
    if request.method == "GET" and corrects is not None:
        form.corrects.data = str(corrects.id)
    context = {"case": case, "corrects": corrects}
    if form.validate_on_submit():
        _, response = run(form, lambda: notes.add_note(
            case_id, current_actor(), body=form.body.data, corrects_id=corrects.id if corrects else None,
        ), "cases/note_new.html", **context)
        if response is not None:
            return response
        flash("Correction added." if corrects else "Note added.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="timeline"))
    return form_page("cases/note_new.html", form, **context)


@bp.route("/<int:case_id>/status", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def change_status(case_id: int):
    """Change the case's status; closing records an outcome."""
    case = _open_case(case_id)
    form = StatusForm()
    if request.method == "GET":
        form.version.data = case.version
    context = {"case": case, "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: status.change_status(
            case_id, current_actor(), status=CaseStatus(form.status.data), expected_version=form.version.data,
            outcome=CaseOutcome(form.outcome.data) if form.outcome.data else None, rationale=form.rationale.data,
        ), "cases/status.html", **context)
        if response is not None:
            return response
        flash("Status changed.", "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return form_page("cases/status.html", form, **context)


@bp.route("/<int:case_id>/enhanced-rights", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def enhanced_rights(case_id: int):
    """Record whether the victim has enhanced rights under the Victims' Code, and why."""
    case = _open_case(case_id)
    form = EnhancedRightsForm()
    if request.method == "GET":
        form.version.data = case.version
        if case.enhanced_rights_recorded_at is not None:
            form.enhanced.data = "yes" if case.enhanced_rights else "no"
            form.category.data = case.enhanced_rights_category.value if case.enhanced_rights_category else None
    context = {"case": case, "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: status.record_enhanced_rights(
            case_id, current_actor(), enhanced=form.enhanced.data == "yes",
            category=EnhancedRightsCategory(form.category.data) if form.category.data else None,
            reason=form.reason.data, expected_version=form.version.data,
        ), "cases/enhanced_rights.html", **context)
        if response is not None:
            return response
        flash("Enhanced rights recorded.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="victims-code"))
    return form_page("cases/enhanced_rights.html", form, **context)


# --- linking ----------------------------------------------------------------------------------------------

@bp.route("/<int:case_id>/links/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def link_report(case_id: int):
    """Link another report into this case as part of the same course of conduct."""
    case = _open_case(case_id)
    form = LinkForm()
    if request.method == "GET":
        form.version.data = case.version
        form.reference.data = links.suggested_reference(case, request.args.get("report", ""), current_actor())
    context = {"case": case, "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: links.link_report(
            case_id, current_actor(), reference=form.reference.data, reason=form.reason.data,
            expected_version=form.version.data,
        ), "cases/link_new.html", **context)
        if response is not None:
            return response
        flash("Report linked.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="reports"))
    return form_page("cases/link_new.html", form, **context)


@bp.route("/<int:case_id>/links/<int:link_id>/unlink", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def unlink_report(case_id: int, link_id: int):
    """Take a report out of this case, with the reason."""
    case = _open_case(case_id)
    link, report = links.active_link(case.id, link_id)
    form = UnlinkForm()
    if request.method == "GET":
        form.version.data = case.version
    context = {"case": case, "link": link, "report": report, "current_version": case.version}
    if form.validate_on_submit():
        _, response = run(form, lambda: links.unlink_report(
            case_id, link_id, current_actor(), reason=form.reason.data, expected_version=form.version.data,
        ), "cases/unlink.html", **context)
        if response is not None:
            return response
        flash("Report unlinked.", "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor="reports"))
    return form_page("cases/unlink.html", form, **context)

