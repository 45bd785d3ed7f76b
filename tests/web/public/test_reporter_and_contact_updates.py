"""Someone reporting for another person; honest criteria explanations; saving what is on screen; new contact rules."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import AuditEvent, Draft, Grade, NextStep, Report, ReportUpdate, Role, TriageDecision
from app.services.casework.opening import open_case_from_triage
from tests.factories import as_actor, make_staff
from tests.staff_fixtures import make_enrolled_staff
from tests.staff_fixtures import sign_in as staff_sign_in
from tests.web.public.helpers import answer_everything, submit

PASSPHRASE = "purple elephant umbrella"
KNOWS = "Does the person it is happening to know you are reporting?"


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def start_as(client, role: str, relationship: str = "Her sister"):
    submit(client, "/report/start", {"danger": "no"})
    return submit(client, "/report/who-is-reporting", {"role": role, "relationship": relationship})


def draft_answers() -> dict:
    db.session.expire_all()
    return db.session.scalar(select(Draft)).answers


# 1. Someone reporting for another person -----------------------------------------------------------

def test_a_friend_or_relative_gives_their_own_details_and_is_warned(client):
    response = start_as(client, "on_behalf")
    assert response.headers["Location"] == "/report/about-you-the-reporter"
    page = client.get("/report/about-you-the-reporter").get_data(as_text=True)
    assert "About you, the person reporting" in page and KNOWS in page
    assert "we will take care before contacting them: we will talk to you first" in page
    assert "Your organisation" not in page and "Your role" not in page  # only a professional is asked
    assert 'href="/report/who-is-reporting"' in page  # Back

    error = submit(client, "/report/about-you-the-reporter", {"name": "Ann", "email": "not an email"})
    html = error.get_data(as_text=True)
    assert error.status_code == 200 and "<title>Error: " in html
    assert "Select whether the person it is happening to knows you are reporting" in html
    assert "Enter an email address in the correct format" in html and 'value="Ann"' in html

    done = submit(client, "/report/about-you-the-reporter", {
        "name": "Ann Jones", "phone": "07700 900555", "email": "ann@example.com", "victim_knows": "no"})
    assert done.headers["Location"] == "/report/how-many-times"
    assert 'href="/report/about-you-the-reporter"' in client.get("/report/how-many-times").get_data(as_text=True)
    assert draft_answers()["reporter"] == {
        "role": "on_behalf", "relationship": "Her sister", "name": "Ann Jones", "phone": "07700 900555",
        "email": "ann@example.com", "victim_knows": "no"}


def test_a_professional_is_asked_for_organisation_and_role(client):
    start_as(client, "professional", "Her support worker")
    page = client.get("/report/about-you-the-reporter").get_data(as_text=True)
    assert "Your organisation" in page and "Your role" in page
    submit(client, "/report/about-you-the-reporter", {
        "name": "Sam Patel", "organisation": "Northtown Women's Aid", "job_title": "Outreach worker",
        "phone": "01632 960001", "victim_knows": "yes"})
    reporter = draft_answers()["reporter"]
    assert reporter["organisation"] == "Northtown Women's Aid" and reporter["job_title"] == "Outreach worker"


def test_someone_reporting_for_themselves_never_sees_the_reporter_page(client):
    response = start_as(client, "self", "")
    assert response.headers["Location"] == "/report/how-many-times"
    assert client.get("/report/about-you-the-reporter").headers["Location"] == "/report/how-many-times"
    assert 'href="/report/who-is-reporting"' in client.get("/report/how-many-times").get_data(as_text=True)
    html = client.get("/report/check-answers").get_data(as_text=True)
    assert KNOWS not in html and "About you, the person reporting" not in html


def test_changing_to_someone_else_from_check_answers_asks_their_details_then_switching_back_clears_them(client):
    start_as(client, "self", "")
    changed = submit(client, "/report/who-is-reporting?return=check", {"role": "on_behalf", "relationship": "Friend"})
    assert changed.headers["Location"] == "/report/about-you-the-reporter?return=check"
    back = submit(client, "/report/about-you-the-reporter?return=check", {"name": "Ann", "victim_knows": "not_sure"})
    assert back.headers["Location"] == "/report/check-answers"
    submit(client, "/report/who-is-reporting?return=check", {"role": "self"})
    reporter = draft_answers()["reporter"]
    assert reporter["role"] == "self" and reporter["name"] == "" and reporter["victim_knows"] == ""
    assert reporter["relationship"] == ""


def test_later_pages_ask_about_the_person_it_is_happening_to(client):
    start_as(client, "on_behalf")
    submit(client, "/report/about-you-the-reporter", {"victim_knows": "no"})
    about = client.get("/report/about-you").get_data(as_text=True)
    assert "About the person it is happening to" in about and "Their full name" in about
    assert "Your full name" not in about
    assert "How has it made them feel?" in client.get("/report/feelings").get_data(as_text=True)
    assert "Who is the person doing this to them?" in client.get("/report/the-person").get_data(as_text=True)
    assert "How it has affected them" in client.get("/report/impact").get_data(as_text=True)
    assert "Are there children in their household?" in client.get("/report/children-and-others").get_data(
        as_text=True)
    contact = client.get("/report/safe-contact").get_data(as_text=True)
    assert "Is it safe for us to contact the person it is happening to?" in contact
    assert "Contacting them safely" in contact
    # Someone reporting for themselves still reads "you".
    assert "Your full name" in _self_client_page(client, "/report/about-you")


def _self_client_page(client, url: str) -> str:
    other = client.application.test_client()
    start_as(other, "self", "")
    return other.get(url).get_data(as_text=True)


def test_check_answers_and_the_report_carry_the_reporter_block(client):
    answer_everything(client)
    submit(client, "/report/who-is-reporting?return=check", {"role": "professional", "relationship": "Her GP"})
    submit(client, "/report/about-you-the-reporter?return=check", {
        "name": "Dr Lee", "organisation": "High St Surgery", "job_title": "GP", "phone": "01632 960002",
        "victim_knows": "no"})
    html = client.get("/report/check-answers").get_data(as_text=True)
    assert "Dr Lee" in html and "High St Surgery" in html and KNOWS in html
    assert 'href="/report/about-you-the-reporter?return=check"' in html
    assert "About the person it is happening to" in html and "Their full name" in html
    submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
    report = db.session.scalar(select(Report))
    assert report.answers["reporter"] == {
        "role": "professional", "relationship": "Her GP", "name": "Dr Lee", "organisation": "High St Surgery",
        "job_title": "GP", "phone": "01632 960002", "email": "", "victim_knows": "no"}


# 2. The criteria explanation is honest about what it can know ------------------------------------

def test_early_explanation_says_it_is_from_answers_so_far_and_check_answers_shows_the_full_one(client):
    start_as(client, "self", "")
    submit(client, "/report/how-many-times", {"occasions": "more"})
    submit(client, "/report/unwanted", {"unwanted": "yes"})
    submit(client, "/report/feelings", {"feelings": ["alarmed_or_distressed"]})
    early = client.get("/report/what-this-may-be").get_data(as_text=True)
    assert "from your answers so far" in early.lower()
    assert "harassment" in early and "this may include: stalking" not in early
    submit(client, "/report/what-has-happened", {"selected": ["following", "watching"]})
    submit(client, "/report/impact", {"changes": ["moved_home"]})
    check = client.get("/report/check-answers").get_data(as_text=True)
    assert "What all your answers suggest" in check
    assert "this may include: stalking causing fear of violence or serious alarm or distress" in check


# 3. Save and come back later saves what is on screen ---------------------------------------------

def test_every_journey_form_posts_save_after_storing_the_page(client):
    start_as(client, "self", "")
    submit(client, "/report/what-has-happened", {"selected": ["emails"]})
    saved = submit(client, "/report/how-often", {"started": "about May 2025", "count_emails": "over 40",
                                                 "then": "save"})
    assert saved.headers["Location"] == "/report/save?from=/report/how-often"
    assert draft_answers()["behaviours"]["counts"] == {"emails": "over 40"}

    added = submit(client, "/report/incidents/add", {"when": "yesterday", "what": "At the gate", "then": "save"})
    assert added.headers["Location"] == "/report/save?from=/report/incidents/add"
    item = draft_answers()["incidents"][0]
    changed = submit(client, f"/report/incidents/{item['id']}/change", {"when": "yesterday", "what": "At my gate",
                                                                        "then": "save"})
    assert changed.headers["Location"].startswith("/report/save?from=/report/incidents/")
    assert draft_answers()["incidents"][0]["what"] == "At my gate"

    evidence = submit(client, "/report/evidence", {"description": "Photos on my phone", "then": "save"},
                      content_type="multipart/form-data")
    assert evidence.headers["Location"] == "/report/save?from=/report/evidence"
    assert draft_answers()["evidence"]["description"] == "Photos on my phone"


def test_timeout_warning_save_submits_the_pages_own_form_or_falls_back_to_a_link(client):
    start_as(client, "self", "")
    for url in ("/report/how-many-times", "/report/how-often", "/report/evidence", "/report/incidents/add"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="journey-form"' in html, url
        assert 'form="journey-form" name="then" value="save"' in html, url
    incidents = client.get("/report/incidents").get_data(as_text=True)
    assert 'form="journey-form"' not in incidents
    assert incidents.count('href="/report/save?from=/report/incidents"') == 2  # page link and dialog link


# 4. New safe-contact rules on a report already made ----------------------------------------------

def _sent_report(client) -> Report:
    answer_everything(client)
    submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
    return db.session.scalar(select(Report))


def _victim_signs_in(app, report):
    victim = app.test_client()
    submit(victim, "/report/your-report/sign-in", {"reference": report.reference, "passphrase": PASSPHRASE})
    return victim


def test_after_adding_the_loop_asks_whether_contact_rules_changed(app, client):
    report = _sent_report(client)
    victim = _victim_signs_in(app, report)
    added = submit(victim, "/report/your-report/add", {"when": "today", "what": "A note on my car"})
    assert added.headers["Location"] == "/report/your-report/contact-changed"
    page = victim.get("/report/your-report/contact-changed").get_data(as_text=True)
    assert "Have the safe ways to contact you changed?" in page and "We have added this to your report" in page
    assert "Select yes if the safe ways" in submit(victim, "/report/your-report/contact-changed", {}).get_data(
        as_text=True)
    no = submit(victim, "/report/your-report/contact-changed", {"changed": "no"})
    assert no.headers["Location"] == "/report/your-report"
    assert "We have added this to your report" in victim.get("/report/your-report").get_data(as_text=True)
    db.session.expire_all()
    assert [u.answers.get("contact") for u in db.session.scalars(select(ReportUpdate))] == [None]


def test_new_contact_rules_are_validated_and_stored_as_an_update_in_the_journeys_shape(app, client):
    report = _sent_report(client)
    report.awaiting_triage = False
    db.session.commit()
    victim = _victim_signs_in(app, report)
    assert 'href="/report/your-report/safe-contact"' in victim.get("/report/your-report").get_data(as_text=True)
    assert submit(victim, "/report/your-report/contact-changed", {"changed": "yes"}).headers["Location"] == \
        "/report/your-report/safe-contact"
    form = victim.get("/report/your-report/safe-contact").get_data(as_text=True)
    assert "07700 900123" not in form  # the stored safe number is never shown back
    errors = submit(victim, "/report/your-report/safe-contact", {"safe": "some_ways", "accounts_accessed": "no"})
    html = errors.get_data(as_text=True)
    assert "Select which ways are safe to contact you" in html and "Select yes if we can leave a voicemail" in html
    errors = submit(victim, "/report/your-report/safe-contact", {
        "safe": "some_ways", "ways": ["text"], "accounts_accessed": "no", "voicemail": "no"})
    assert "Enter a phone number that is safe to use" in errors.get_data(as_text=True)

    done = submit(victim, "/report/your-report/safe-contact", {
        "safe": "some_ways", "ways": ["letter"], "accounts_accessed": "yes", "voicemail": "no",
        "safe_times": "Evenings only", "code_word": "heron"})
    assert done.headers["Location"] == "/report/your-report"
    assert "only contact you in the new ways" in victim.get("/report/your-report").get_data(as_text=True)
    db.session.expire_all()
    update = db.session.scalar(select(ReportUpdate))
    assert update.answers["contact"] == {
        "safe": "some_ways", "ways": ["letter"], "accounts_accessed": "yes", "phone": "", "email": "",
        "trusted_name": "", "trusted_phone": "", "voicemail": "no", "safe_times": "Evenings only",
        "code_word": "heron"}
    fresh = db.session.get(Report, report.id)
    assert fresh.awaiting_triage  # back in the queue, so a handler sees the new rules
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.update"))
    assert event.details == {"update_id": update.id, "contact_rules": True}


def test_no_contact_at_all_keeps_no_stale_number(app, client):
    report = _sent_report(client)
    victim = _victim_signs_in(app, report)
    submit(victim, "/report/your-report/safe-contact", {"safe": "no", "accounts_accessed": "not_sure",
                                                        "phone": "07700 900777"})
    db.session.expire_all()
    contact = db.session.scalar(select(ReportUpdate)).answers["contact"]
    assert contact["safe"] == "no" and contact["phone"] == "" and contact["ways"] == []


def test_contact_pages_need_a_signed_in_report(client):
    for url in ("/report/your-report/contact-changed", "/report/your-report/safe-contact"):
        assert client.get(url).headers["Location"] == "/report/your-report/sign-in"


def test_new_rules_show_on_the_triage_report_and_the_case_page(app, client):
    """End to end: a third-party report, a case, then new rules from the victim; staff pages read the newest."""

    answer_everything(client)
    submit(client, "/report/who-is-reporting?return=check", {"role": "on_behalf", "relationship": "Her brother"})
    submit(client, "/report/about-you-the-reporter?return=check", {
        "name": "Tom O'Brien", "phone": "07700 900444", "victim_knows": "no"})
    submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
    report = db.session.scalar(select(Report))
    handler = make_staff(role=Role.CALL_HANDLER)
    decision = TriageDecision(report_id=report.id, decided_by_id=handler.id, report_version=report.version,
                              grade=Grade.PRIORITY, classifications=["stalking_s2a"], next_step=NextStep.OFFICER_POOL)
    db.session.add(decision)
    db.session.flush()
    case = open_case_from_triage(report, decision, as_actor(handler))
    db.session.commit()

    supervisor = make_enrolled_staff(role=Role.SUPERVISOR)
    staff = app.test_client()
    assert staff_sign_in(staff, supervisor).status_code == 302

    def pages() -> tuple[str, str]:
        triage = staff.get(f"/staff/triage/reports/{report.id}")
        case_page = staff.get(f"/staff/cases/{case.id}")
        assert triage.status_code == 200 and case_page.status_code == 200
        return triage.get_data(as_text=True), case_page.get_data(as_text=True)

    for html in pages():
        assert "The victim does not know this was reported: contact the reporter first" in html
        assert "Tom O&#39;Brien (Her brother): 07700 900444" in html
        assert "Do not use: phone call" not in html and "Evenings only" not in html
    triage_html = pages()[0]
    assert "The person reporting" in triage_html

    victim = _victim_signs_in(app, report)
    submit(victim, "/report/your-report/safe-contact", {
        "safe": "some_ways", "ways": ["letter"], "accounts_accessed": "no", "voicemail": "no",
        "safe_times": "Evenings only"})
    for html in pages():
        assert "Do not use: phone call" in html and "Evenings only" in html
        # The reporter rule still holds: it comes from the report, not the contact rules.
        assert "The victim does not know this was reported: contact the reporter first" in html
    assert "new safe-contact rules" in pages()[0]


def test_uploads_and_an_incident_still_work_with_the_contact_step(app, client):
    report = _sent_report(client)
    victim = _victim_signs_in(app, report)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    added = submit(victim, "/report/your-report/add", {"files": (io.BytesIO(png), "photo.png")},
                   content_type="multipart/form-data")
    assert added.headers["Location"] == "/report/your-report/contact-changed"


def test_a_third_party_date_error_names_their_date_of_birth(client):
    start_as(client, "on_behalf")
    html = submit(client, "/report/about-you", {"name": "Beth", "date_of_birth": ["31", "2", "1990"]}) \
        .get_data(as_text=True)
    assert "Their date of birth must be a real date" in html
    assert "Your date of birth" not in html
