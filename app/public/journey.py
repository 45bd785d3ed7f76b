"""The victim's guided report: one question (or small group) per page, answers kept in a server-side draft.

The session holds only an opaque random token for the draft (and, after sending, the report id for
the confirmation page). Nothing the person types goes into the cookie or a URL.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup

from app.domain.answers import parse_answers
from app.domain.criteria import assess as assess_criteria
from app.models import Channel
from app.public import bp, draft_session, forms
from app.public.draft_session import SENT_KEY, SUBMISSION_KEY, third_party, with_draft, you
from app.public.steps import RETURN_TO_CHECK, is_third_party, next_endpoint, previous_endpoint
from app.public.summary import summary_sections
from app.services import drafts, evidence, reports
from app.services.actor import Actor
from app.web import questions

INCIDENTS_PER_PAGE = 20

QUESTION = "public/journey/question.html"


def returning_to_check() -> bool:
    return request.args.get("return") == "check"


def _after(endpoint: str) -> str:
    if returning_to_check():
        return url_for("public.check_answers")
    return url_for(next_endpoint(endpoint, draft_session.answers()))


def _back(endpoint: str) -> str | None:
    if returning_to_check():
        return url_for("public.check_answers")
    previous = previous_endpoint(endpoint, draft_session.answers())
    return url_for(previous) if previous else url_for("public.start")


def worded(form):
    """The form, with its questions about the person it is happening to worded for a third-party reporter."""
    return form.for_third_party() if third_party() else form


def question(endpoint: str, form, section: str, *, title: str, caption: str = "", heading: bool = False,
             intro: str = "", warning: str = "", after=None):
    """Show a question page (GET) or store its answers and go on (POST); errors keep every answer."""
    draft = g.draft
    if request.method == "POST":
        if form.validate_on_submit():
            drafts.save_section(draft, section, form.dump())
            if saving():
                return _to_save()
            return redirect(after(draft) if after else _after(endpoint))
    else:
        stored = (draft.answers or {}).get(section)
        form.load(stored if isinstance(stored, dict) else {section: stored})
    return render_template(QUESTION, form=form, title=title, caption=caption, heading=heading, intro=intro,
                           warning=warning, back=_back(endpoint))


def saving() -> bool:
    """Whether the person pressed "Save and come back later" (on the page or in the timeout warning)."""
    return request.form.get("then") == "save"


def _from_here() -> dict[str, Any]:
    return {"from": request.path}


def _to_save():
    # The page's answers are stored first, so what was typed just now is in the saved draft.
    return redirect(url_for("public.save_draft", **_from_here()))


# 1. Danger now, and staying safe -----------------------------------------------------------------

@bp.route("/report/start", methods=["GET", "POST"])
def journey_start():
    """Is anyone in danger right now? The first page; it starts the draft."""
    try:
        draft = draft_session.find()
    except drafts.DraftExpired:
        draft = None
    form = questions.DangerForm()
    if request.method == "POST" and form.validate_on_submit():
        if draft is None:
            draft, token = drafts.start_draft()
            draft_session.begin(draft, token)
        drafts.save_section(draft, "danger", form.danger.data, merge=False)
        if form.danger.data == "yes":
            return redirect(url_for("public.call_999"))
        return redirect(_after("public.journey_start"))
    if request.method == "GET" and draft is not None:
        form.danger.data = (draft.answers or {}).get("danger")
    return render_template("public/journey/danger.html", form=form, title=form.danger.label.text,
                           back=_back("public.journey_start"))


@bp.get("/report/call-999")
def call_999():
    """Someone is in danger: call 999 now; carry on only once safe."""
    return render_template("public/journey/call_999.html", title="Call 999 now")


@bp.get("/report/staying-safe")
@with_draft
def staying_safe(draft):
    """How the exit control works, that history cannot be erased, using a safer device."""
    return render_template("public/journey/staying_safe.html", title="Staying safe while you use this site",
                           back=_back("public.staying_safe"), next_url=_after("public.staying_safe"))


# 2. Who is reporting, 3. criteria ----------------------------------------------------------------

@bp.route("/report/who-is-reporting", methods=["GET", "POST"])
@with_draft
def who_is_reporting(draft):
    """Who is making the report."""
    form = questions.ReporterForm()
    return question("public.who_is_reporting", form, "reporter", title=form.role.label.text, heading=True,
                    caption="About this report", after=_after_who_is_reporting)


def _after_who_is_reporting(draft) -> str:
    # A change from "me" to "someone else" on the way back to check answers still asks for the reporter's details.
    if returning_to_check() and is_third_party(draft.answers) and \
            not ((draft.answers or {}).get("reporter") or {}).get("victim_knows"):
        return url_for("public.reporter_details", **RETURN_TO_CHECK)
    return _after("public.who_is_reporting")


@bp.route("/report/about-you-the-reporter", methods=["GET", "POST"])
@with_draft
def reporter_details(draft):
    """The reporter's own name, role and safe contact, and whether the person it is happening to knows."""
    if not third_party():
        return redirect(_after("public.reporter_details"))
    role = ((draft.answers or {}).get("reporter") or {}).get("role")
    form = questions.reporter_details_class(role)()
    return question("public.reporter_details", form, "reporter", title="About you, the person reporting",
                    caption="About this report",
                    intro="We may need to talk to you about this report. Give a phone number or email address "
                          "that is safe for us to use.",
                    warning="If the person it is happening to does not know you are reporting, we will take care "
                            "before contacting them: we will talk to you first.")


@bp.route("/report/how-many-times", methods=["GET", "POST"])
@with_draft
def how_many_times(draft):
    """How many times it has happened."""
    form = questions.OccasionsForm()
    return question("public.how_many_times", form, "criteria", title=form.occasions.label.text, heading=True,
                    caption="What is happening")


@bp.route("/report/unwanted", methods=["GET", "POST"])
@with_draft
def unwanted(draft):
    """Whether it is unwanted."""
    form = questions.UnwantedForm()
    return question("public.unwanted", form, "criteria", title=form.unwanted.label.text, heading=True,
                    caption="What is happening")


@bp.route("/report/feelings", methods=["GET", "POST"])
@with_draft
def feelings(draft):
    """How it has made them feel."""
    form = worded(questions.FeelingsForm())
    return question("public.feelings", form, "criteria", title=form.feelings.label.text, heading=True,
                    caption="What is happening")


@bp.get("/report/what-this-may-be")
@with_draft
def what_this_may_be(draft):
    """What the answers so far suggest, in plain words; it never refuses."""
    # Early on purpose (issue 3, step 3): it reassures before the long part. It can only read the answers
    # given so far, so it says so; check answers shows it again with what they have done and the impact.
    assessment = assess_criteria(parse_answers(draft.answers).criteria_answers())
    return render_template("public/journey/what_this_may_be.html", title="What your answers suggest",
                           assessment=assessment, so_far=True, back=_back("public.what_this_may_be"),
                           next_url=_after("public.what_this_may_be"))


# 4. Behaviours -----------------------------------------------------------------------------------

@bp.route("/report/what-has-happened", methods=["GET", "POST"])
@with_draft
def what_has_happened(draft):
    """The behaviours checklist."""
    form = questions.BehavioursForm()
    return question("public.what_has_happened", form, "behaviours", title=form.selected.label.text, heading=True,
                    caption="What is happening")


@bp.route("/report/how-often", methods=["GET", "POST"])
@with_draft
def how_often(draft):
    """When it started, how often, the latest time and rough counts for each thing they did."""
    stored = (draft.answers or {}).get("behaviours") or {}
    selected = stored.get("selected") or []
    form = questions.how_often_form(selected)
    if request.method == "POST" and form.validate_on_submit():
        values = form.dump()
        values["counts"] = {code: form[f"count_{code}"].data or "" for code in selected
                            if f"count_{code}" in form}
        drafts.save_section(draft, "behaviours", values)
        if saving():
            return _to_save()
        return redirect(_after("public.how_often"))
    if request.method == "GET":
        form.load(stored)
        for code, count in (stored.get("counts") or {}).items():
            if f"count_{code}" in form:
                form[f"count_{code}"].data = count
    return render_template(QUESTION, form=form, title="How often it happens", caption="What is happening",
                           heading=False, back=_back("public.how_often"))


# 5. Incidents ------------------------------------------------------------------------------------

def _incident_list(draft) -> list[dict[str, Any]]:
    return [item for item in (draft.answers or {}).get("incidents") or [] if isinstance(item, dict)]


def sorted_incidents(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incidents in date order; undated ones last, in the order they were added."""
    return sorted(items, key=lambda item: (item.get("sort_date") is None, item.get("sort_date") or ""))


@bp.get("/report/incidents")
@with_draft
def incidents(draft):
    """The incident log: a summary list, paginated so a long history stays quick to use."""
    items = sorted_incidents(_incident_list(draft))
    pages = max(1, -(-len(items) // INCIDENTS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    start = (page - 1) * INCIDENTS_PER_PAGE
    return render_template("public/journey/incidents.html", title="Each time it happened", items=items,
                           shown=items[start:start + INCIDENTS_PER_PAGE], page=page, pages=pages, first=start + 1,
                           back=_back("public.incidents"), next_url=_after("public.incidents"))


def _find_incident(draft, item_id: str) -> dict[str, Any]:
    for item in _incident_list(draft):
        if item.get("id") == item_id:
            return item
    abort(404)


@bp.route("/report/incidents/add", methods=["GET", "POST"])
@with_draft
def add_incident(draft):
    """Add one incident to the log."""
    form = questions.IncidentForm()
    if form.validate_on_submit():
        item = {"id": secrets.token_hex(6), **form.dump()}
        drafts.change_answers(draft, lambda answers: answers.setdefault("incidents", []).append(item))
        if saving():
            return _to_save()
        return redirect(url_for("public.incidents", **(RETURN_TO_CHECK if returning_to_check() else {})))
    return render_template(QUESTION, form=form, title="Tell us about one time it happened", caption="Incidents",
                           back=url_for("public.incidents"))


@bp.route("/report/incidents/<item_id>/change", methods=["GET", "POST"])
@with_draft
def change_incident(draft, item_id: str):
    """Change one incident."""
    item = _find_incident(draft, item_id)
    form = questions.IncidentForm()
    if form.validate_on_submit():
        values = form.dump()

        def change(answers):
            for stored in answers.get("incidents") or []:
                if stored.get("id") == item_id:
                    stored.update(values)

        drafts.change_answers(draft, change)
        if saving():
            return _to_save()
        return redirect(url_for("public.incidents"))
    if request.method == "GET":
        form.load(item)
    return render_template(QUESTION, form=form, title="Change this incident", caption="Incidents",
                           back=url_for("public.incidents"))


@bp.route("/report/incidents/<item_id>/remove", methods=["GET", "POST"])
@with_draft
def remove_incident(draft, item_id: str):
    """Confirm, then remove one incident."""
    item = _find_incident(draft, item_id)
    form = FlaskForm()
    if form.validate_on_submit():
        drafts.change_answers(draft, lambda answers: answers.__setitem__(
            "incidents", [i for i in answers.get("incidents") or [] if i.get("id") != item_id]))
        return redirect(url_for("public.incidents"))
    return render_template("public/journey/remove_incident.html", form=form, item=item,
                           title="Are you sure you want to remove this incident?", back=url_for("public.incidents"))


# 6–9. The person, impact, children, orders -------------------------------------------------------

@bp.route("/report/the-person", methods=["GET", "POST"])
@with_draft
def suspect_relationship(draft):
    """Who the person doing this is to them."""
    form = worded(questions.SuspectRelationshipForm())
    return question("public.suspect_relationship", form, "suspect", title=form.relationship.label.text,
                    heading=True, caption="The person doing this")


@bp.route("/report/the-person/who-they-are", methods=["GET", "POST"])
@with_draft
def suspect_identity(draft):
    """Name, other names, age, address: everything optional."""
    form = questions.SuspectIdentityForm()
    return question("public.suspect_identity", form, "suspect", title="What do you know about them?",
                    caption="The person doing this", intro="Tell us what you know. Leave anything you do not know.")


@bp.route("/report/the-person/more", methods=["GET", "POST"])
@with_draft
def suspect_more(draft):
    """Description, vehicle, weapons, history."""
    form = questions.SuspectMoreForm()
    return question("public.suspect_more", form, "suspect", title="More about them",
                    caption="The person doing this", intro="All optional: tell us what you know.")


@bp.route("/report/impact", methods=["GET", "POST"])
@with_draft
def impact(draft):
    """How it has affected them."""
    form = worded(questions.ImpactForm())
    return question("public.impact", form, "impact", title=you("How it has affected you", "How it has affected them"),
                    caption="Impact")


@bp.route("/report/children-and-others", methods=["GET", "POST"])
@with_draft
def children(draft):
    """Children and other people at risk."""
    form = worded(questions.ChildrenForm())
    return question("public.children", form, "children", title="Children and other people at risk",
                    caption="Others affected")


@bp.route("/report/court-orders", methods=["GET", "POST"])
@with_draft
def court_orders(draft):
    """Court orders, bail conditions, and whether they are being broken."""
    form = worded(questions.OrdersForm())
    return question("public.court_orders", form, "orders", title="Court orders and bail conditions",
                    caption="Court orders")


# 10. Evidence ------------------------------------------------------------------------------------

@bp.route("/report/evidence", methods=["GET", "POST"])
@with_draft
def evidence_page(draft):
    """Describe the evidence held; optionally upload files (checked, stored privately, never served)."""
    form = questions.EvidenceForm()
    limits = evidence.limits()
    if request.method == "POST" and form.validate_on_submit():
        drafts.save_section(draft, "evidence", form.dump())
        uploads = [f for f in request.files.getlist(form.files.name) if f and f.filename]
        try:
            if uploads:
                evidence.add_to_draft(draft.id, uploads)
        except evidence.UploadRefused as refused:
            form.files.errors = [str(refused)]
        else:
            if request.form.get("action") == "upload":
                return redirect(url_for("public.evidence_page", **dict[str, Any](request.args)))
            if saving():
                return _to_save()
            return redirect(_after("public.evidence_page"))
    elif request.method == "GET":
        form.load((draft.answers or {}).get("evidence") or {})
    return render_template("public/journey/evidence.html", form=form, title="Evidence", limits=limits,
                           files=evidence.draft_files(draft.id), human_size=evidence.human_size,
                           remove_form=FlaskForm(formdata=None), back=_back("public.evidence_page"))


@bp.post("/report/evidence/remove")
@with_draft
def remove_evidence(draft):
    """Remove one uploaded file."""
    form = FlaskForm()
    if form.validate_on_submit():
        evidence.remove_from_draft(draft.id, request.form.get("file", type=int) or 0)
    return redirect(url_for("public.evidence_page"))


# 11. About you, 12. safe contact -----------------------------------------------------------------

@bp.route("/report/about-you", methods=["GET", "POST"])
@with_draft
def about_you(draft):
    """Name, date of birth, address (may be withheld), needs."""
    form = worded(questions.AboutYouForm())
    return question("public.about_you", form, "about_you",
                    title=you("About you", "About the person it is happening to"),
                    caption=you("", "The person it is happening to"),
                    intro=you("All optional.", "Tell us what you know about them. All optional."))


def _after_contact_safety(draft) -> str:
    if ((draft.answers or {}).get("contact") or {}).get("safe") == "no":
        return url_for("public.check_answers")
    return _after("public.contact_safety")


@bp.route("/report/safe-contact", methods=["GET", "POST"])
@with_draft
def contact_safety(draft):
    """Whether and how it is safe to contact them."""
    form = worded(questions.ContactSafetyForm())
    return question("public.contact_safety", form, "contact", caption="Safe contact",
                    title=you("Contacting you safely", "Contacting them safely"),
                    intro=you("We only contact you in the ways you tell us are safe. Staff see these rules first.",
                              "These questions are about the person it is happening to. We only contact them in "
                              "the ways you tell us are safe. Staff see these rules first."),
                    after=_after_contact_safety)


@bp.route("/report/safe-contact/details", methods=["GET", "POST"])
@with_draft
def contact_details(draft):
    """The safe number, email or trusted person, voicemail, safe times and code word."""
    form = worded(questions.ContactDetailsForm())
    form.ways = ((draft.answers or {}).get("contact") or {}).get("ways") or []
    return question("public.contact_details", form, "contact",
                    title=you("How to contact you safely", "How to contact them safely"), caption="Safe contact")


# 13. Check and send ------------------------------------------------------------------------------

@bp.get("/report/check-answers")
@with_draft
def check_answers(draft):
    """Every answer with a change link; gaps show as Not provided."""
    answers = draft.answers or {}
    return render_template("public/journey/check_answers.html", title="Check your answers",
                           sections=summary_sections(answers, evidence.draft_files(draft.id)),
                           assessment=assess_criteria(parse_answers(answers).criteria_answers()),
                           back=_back("public.check_answers"))


@bp.route("/report/send", methods=["GET", "POST"])
def send_report():
    """Declaration, optional passphrase for later, and Send; a retried send finds the first report."""
    try:
        draft = draft_session.find()
    except drafts.DraftExpired:
        return redirect(url_for("public.timed_out"))
    if draft is None:
        # A double click or refresh after sending: the first request already made the report.
        report = reports.submitted(session.get(SUBMISSION_KEY))
        if report is not None:
            session[SENT_KEY] = report.id
            return redirect(url_for("public.report_sent"))
        return redirect(url_for("public.journey_start"))
    form = forms.SendForm()
    if form.validate_on_submit():
        report = reports.submit_report(dict(draft.answers or {}, declaration=True), channel=Channel.ONLINE,
                                       actor=Actor.victim(), submission_key=draft.submission_key,
                                       passphrase=form.passphrase.data or None, draft=draft)
        draft_session.forget()
        session[SENT_KEY] = report.id
        return redirect(url_for("public.report_sent"))
    return render_template("public/journey/send.html", form=form, title="Send your report",
                           back=url_for("public.check_answers"))


@bp.get("/report/sent")
def report_sent():
    """Confirmation: the reference, what happens next and by when, helplines, how to add to it."""
    report = reports.submitted_by_id(session.get(SENT_KEY))
    if report is None:
        return redirect(url_for("public.start"))
    return render_template("public/journey/sent.html", title="Report sent", report=report,
                           reference_spaced=Markup(" ").join(report.reference.split("-")))


# Idle timeout ------------------------------------------------------------------------------------

@bp.get("/report/timed-out")
def timed_out():
    """Shown after an idle timeout: the unsaved answers were deleted."""
    return render_template("public/journey/timed_out.html", title="We deleted your answers to keep you safe")


@bp.post("/report/keep-alive")
def keep_alive():
    """The timeout dialog's Continue: reset the idle timer."""
    try:
        draft = draft_session.find()
    except drafts.DraftExpired:
        return jsonify({"ok": False}), 410
    if draft is None:
        return jsonify({"ok": False}), 410
    drafts.keep_alive(draft)
    return jsonify({"ok": True})
