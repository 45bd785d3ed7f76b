"""Coming back: save a draft and resume it, and add to or check on a report already made.

Wrong details always get the same message, and attempts are rate-limited per client and per code
or reference, so nobody can find out whether a code or reference exists.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for

from app.domain.reference import normalise_reference, normalise_return_code
from app.extensions import client_key, limit_key, limiter
from app.models.types import utcnow
from app.public import bp, draft_session, forms
from app.public.draft_session import SENT_KEY, with_draft
from app.services import drafts, evidence, report_updates
from app.services.errors import NotFound

LATER_KEY = "later_report"
LATER_AT_KEY = "later_at"
WRONG_DETAILS = "The details you entered do not match our records. Check them and try again."


def _client_limit() -> str:
    return current_app.config.get("LATER_RATE_LIMIT_CLIENT", "20 per hour")


def _code_limit() -> str:
    return current_app.config.get("LATER_RATE_LIMIT_CODE", "5 per 15 minutes")


def _per_code() -> str:
    typed = request.form.get("code", "")
    return limit_key("resume", normalise_return_code(typed) or typed.strip().upper()[:20])


def _per_reference() -> str:
    typed = request.form.get("reference", "")
    return limit_key("report", normalise_reference(typed) or typed.strip().upper()[:20])


# Save and come back later ------------------------------------------------------------------------

@bp.route("/report/save", methods=["GET", "POST"])
@with_draft
def save_draft(draft):
    """Choose a passphrase; get a return code. No email is sent: email may be watched."""
    form = forms.SaveForm()
    if form.validate_on_submit():
        saved = drafts.save_for_later(draft, form.passphrase.data)
        draft_session.forget()
        return render_template("public/later/saved.html", title="Your answers are saved", code=saved.return_code,
                               expires_at=saved.expires_at)
    return render_template("public/later/save.html", form=form, title="Save your answers and come back later",
                           days=drafts.saved_days(), back=_return_to())


def _return_to() -> str:
    # Only a page of this journey: never an address someone else could plant in a link.
    path = request.args.get("from", "")
    return path if path.startswith("/report/") and "//" not in path else url_for("public.check_answers")


@bp.route("/report/resume", methods=["GET", "POST"])
@limiter.limit(_client_limit, key_func=client_key, methods=["POST"])
@limiter.limit(_code_limit, key_func=_per_code, methods=["POST"])
def resume_draft():
    """Return code and passphrase: carry on with saved answers on any device."""
    form = forms.ResumeForm()
    if form.validate_on_submit():
        try:
            draft, token = drafts.resume(form.code.data, form.passphrase.data)
        except drafts.ResumeFailed:
            form.code.errors = [WRONG_DETAILS]
        else:
            draft_session.begin(draft, token)
            return redirect(url_for("public.check_answers"))
    return render_template("public/later/resume.html", form=form, title="Continue a saved report",
                           back=url_for("public.already_reported"))


# Add to, or check on, a report already made ------------------------------------------------------

@bp.get("/report/already-reported")
def already_reported():
    """The choices for someone who has started or sent a report before."""
    return render_template("public/later/already_reported.html", title="Come back to a report",
                           back=url_for("public.start"))


@bp.route("/report/your-report/sign-in", methods=["GET", "POST"])
@limiter.limit(_client_limit, key_func=client_key, methods=["POST"])
@limiter.limit(_code_limit, key_func=_per_reference, methods=["POST"])
def report_sign_in():
    """Reference and passphrase open the report's status page."""
    form = forms.ReportSignInForm()
    if form.validate_on_submit():
        try:
            report_id = report_updates.sign_in(form.reference.data, form.passphrase.data)
        except report_updates.SignInFailed:
            form.reference.errors = [WRONG_DETAILS]
        else:
            session.pop(SENT_KEY, None)
            session[LATER_KEY] = report_id
            session[LATER_AT_KEY] = utcnow().timestamp()
            return redirect(url_for("public.your_report"))
    return render_template("public/later/sign_in.html", form=form, title="Add to a report or check on it",
                           back=url_for("public.already_reported"))


def _signed_in_report() -> int | None:
    report_id = session.get(LATER_KEY)
    at = session.get(LATER_AT_KEY, 0)
    idle = timedelta(minutes=current_app.config["DRAFT_IDLE_MINUTES"]).total_seconds()
    if not report_id or utcnow().timestamp() - at > idle:
        session.pop(LATER_KEY, None)
        return None
    session[LATER_AT_KEY] = utcnow().timestamp()
    return report_id


@bp.get("/report/your-report")
def your_report():
    """Where the report is, in neutral words, and when the next update is due."""
    report_id = _signed_in_report()
    if report_id is None:
        return redirect(url_for("public.report_sign_in"))
    try:
        status = report_updates.status(report_id)
    except NotFound:
        session.pop(LATER_KEY, None)
        return redirect(url_for("public.report_sign_in"))
    added = session.pop("added", False)
    contact_changed = session.pop("contact_changed", False)
    return render_template("public/later/your_report.html", title="Your report", status=status, added=added,
                           contact_changed=contact_changed)


@bp.route("/report/your-report/add", methods=["GET", "POST"])
def add_to_report():
    """Add a new incident and files to the report; it goes back to the triage queue."""
    report_id = _signed_in_report()
    if report_id is None:
        return redirect(url_for("public.report_sign_in"))
    form = forms.AddToReportForm()
    if form.validate_on_submit():
        uploads = [f for f in request.files.getlist(form.files.name) if f and f.filename]
        incident = form.dump()
        has_incident = any(incident.get(k) for k in ("when", "what", "where", "witnesses", "evidence"))
        if not has_incident and not uploads:
            form.what.errors = ["Enter what happened, or choose a file to upload"]
        else:
            try:
                report_updates.add_to_report(report_id, incident if has_incident else None, uploads)
            except evidence.UploadRefused as refused:
                form.files.errors = [str(refused)]
            else:
                session["added"] = True
                return redirect(url_for("public.contact_changed"))
    return render_template("public/later/add.html", form=form, title="Add to your report",
                           limits=evidence.limits(), back=url_for("public.your_report"))


@bp.route("/report/your-report/contact-changed", methods=["GET", "POST"])
def contact_changed():
    """After adding to a report: have the safe ways to contact them changed? (optional, "no" goes back)."""
    if _signed_in_report() is None:
        return redirect(url_for("public.report_sign_in"))
    form = forms.ContactChangedForm()
    if form.validate_on_submit():
        if form.changed.data == "yes":
            return redirect(url_for("public.change_contact"))
        return redirect(url_for("public.your_report"))
    banner = "We have added this to your report." if session.get("added") else ""
    return render_template("public/later/question.html", form=form, title=form.changed.label.text, heading=True,
                           banner=banner, back=url_for("public.your_report"))


@bp.route("/report/your-report/safe-contact", methods=["GET", "POST"])
def change_contact():
    """New safe-contact rules for a report already made; they replace the old ones on staff pages."""
    report_id = _signed_in_report()
    if report_id is None:
        return redirect(url_for("public.report_sign_in"))
    form = forms.ContactUpdateForm()
    if form.validate_on_submit():
        report_updates.change_contact_rules(report_id, form.dump())
        session["contact_changed"] = True
        return redirect(url_for("public.your_report"))
    # Never filled in from the stored rules: someone else holding the passphrase would see the safe number.
    return render_template("public/later/question.html", form=form, title="How we may contact you safely now",
                           intro="Tell us all the ways that are safe now. These replace what you told us before. "
                                 "Staff see these rules first.",
                           button="Save the new contact rules", back=url_for("public.your_report"))
