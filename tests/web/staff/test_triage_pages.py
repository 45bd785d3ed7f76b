"""The triage pages: queue, report on one screen, claims between two handlers, decisions, phone reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Channel, Incident, Report, ReportStatus, ReportUpdate, Role, TriageDecision
from app.models.types import utcnow
from tests.factories import make_report, make_staff
from tests.staff_fixtures import csrf_token, make_enrolled_staff, sign_in

ANSWERS = {
    "danger": "no",
    "criteria": {"occasions": "more", "unwanted": "yes", "feelings": ["afraid_of_violence"]},
    "behaviours": {"selected": ["following", "messages"], "frequency": "daily", "increasing": "yes"},
    "suspect": {"relationship": "ex_partner", "name": "Mark Example", "weapons": "not_sure"},
    "children": {"in_household": "yes", "ages": "4 and 7", "concerns": "yes"},
    "contact": {"safe": "some_ways", "ways": ["call"], "phone": "07700 900123", "voicemail": "no",
                "safe_times": "Weekdays 9am to 3pm", "code_word": "bluebell", "accounts_accessed": "yes"},
}


def _queued(rank, minutes_ago, **fields):
    now = utcnow()
    fields.setdefault("answers", ANSWERS)
    return make_report(priority_rank=rank, queued_at=now - timedelta(minutes=minutes_ago),
                       received_at=now - timedelta(minutes=minutes_ago), **fields)


def _decision_form(html: str) -> dict[str, str]:
    return {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "report_version": re.search(r'name="report_version" type="hidden" value="([^"]*)"', html).group(1),
        "seen_update": re.search(r'name="seen_update" type="hidden" value="([^"]*)"', html).group(1),
    }


def test_queue_lists_reports_by_priority_with_reasons_sla_and_owner(login_as, client):
    login_as(Role.CALL_HANDLER)
    holder = make_staff(name="Alex Morgan")
    standard = _queued(3, 30)
    urgent = _queued(1, 70, priority_reasons=["threats of violence", "order broken"], channel=Channel.PHONE,
                     claimed_by_id=holder.id, claimed_at=utcnow(), claim_expires_at=utcnow() + timedelta(minutes=5))

    page = client.get("/staff/triage").get_data(as_text=True)

    assert page.index(urgent.reference) < page.index(standard.reference)
    assert "threats of violence, order broken" in page
    assert "Overdue by 10 min" in page and "Due in 1 day 23 hr" in page
    assert "Phone (101)" in page and "Alex Morgan" in page
    assert ">Urgent<" in page and ">Standard<" in page


def test_queue_says_how_many_are_waiting_and_how_many_match_on_every_page(login_as, client, app_ctx, monkeypatch):
    login_as(Role.CALL_HANDLER)
    monkeypatch.setitem(app_ctx.config, "TRIAGE_QUEUE_PAGE_SIZE", 2)
    for minutes in (50, 40, 30):
        _queued(2, minutes, channel=Channel.PHONE)
    for minutes in (20, 10):
        _queued(3, minutes)
    _queued(1, 5, awaiting_triage=False)  # triaged: not waiting

    everything = client.get("/staff/triage").get_data(as_text=True)
    assert "<strong>5</strong> reports awaiting triage" in everything
    assert "Showing 1 to 2 of 5" in everything and "match these filters" not in everything

    first = client.get("/staff/triage?channel=phone").get_data(as_text=True)
    assert "<strong>5</strong> reports awaiting triage" in first
    assert "<strong>3</strong> of 5 match these filters" in first and "Showing 1 to 2 of 3" in first
    second = client.get(re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&"))
    page = second.get_data(as_text=True)
    assert "<strong>3</strong> of 5 match these filters" in page and "Showing 3 to 3 of 3" in page
    assert 'selected value="phone"' in page or 'value="phone" selected' in page  # the filter form still shows it


def test_queue_filters_and_pages_through_get_links(login_as, client, app_ctx, monkeypatch):
    login_as(Role.SUPERVISOR)
    monkeypatch.setitem(app_ctx.config, "TRIAGE_QUEUE_PAGE_SIZE", 2)
    phones = [_queued(2, m, channel=Channel.PHONE) for m in (50, 40, 30)]
    online = _queued(1, 10)

    first = client.get("/staff/triage?channel=phone&priority=&submit=Apply+filters").get_data(as_text=True)
    assert phones[0].reference in first and phones[1].reference in first
    assert phones[2].reference not in first and online.reference not in first
    next_href = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "channel=phone" in next_href and "after=" in next_href
    assert all(r.reference not in next_href for r in [*phones, online])

    second = client.get(next_href).get_data(as_text=True)
    assert phones[2].reference in second and phones[0].reference not in second
    assert 'rel="next"' not in second and "First page" in second

    overdue = client.get("/staff/triage?overdue=y").get_data(as_text=True)
    assert "No reports match these filters" in overdue


def test_report_page_shows_safe_contact_rules_first_and_is_audited(login_as, client):
    handler = login_as(Role.CALL_HANDLER)
    report = _queued(2, 5)
    db.session.add(Incident(report_id=report.id, when_text="about March 2025", description="Followed me home"))
    db.session.commit()
    other = _queued(3, 5)

    page = client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)

    rules = page.index("Safe contact rules")
    assert rules < page.index("Criteria") < page.index("Behaviours") < page.index("Incident log")
    assert page.index("Incident log") < page.index("Evidence files") < page.index("Updates from the victim")
    for rule in ("No voicemail: do not leave messages", "Do not use: email", "Weekdays 9am to 3pm", "bluebell",
                 "Someone may be reading the victim"):
        assert rule in page
    assert "force-safe-contact" in page  # the red-bordered box
    assert "Mark Example" in page and "Followed me home" in page and "about March 2025" in page
    assert "Triage this report" in page and other.reference not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.view"))
    assert event.actor_id == handler.id and event.record_id == report.id and event.ip_address == "127.0.0.1"


def test_report_page_gives_the_priority_reasons_and_the_sla_due_time_on_the_uk_clock(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    # 10:00 UTC on a summer day is 11:00 in the UK (BST); urgent is due 60 minutes after it joined the queue.
    queued = datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    report = make_report(answers=ANSWERS, priority_rank=1, queued_at=queued, received_at=queued,
                         priority_reasons=["threats of violence", "children at risk"])

    page = client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)

    summary = page[page.index(">Priority<"):page.index("Possible repeats")]
    assert ">Urgent<" in summary and "Why: threats of violence, children at risk" in summary
    assert "Triage due" in summary and "1 July 2025 at 12:00pm" in summary
    assert re.search(r"Overdue by \d+ day", summary)


def test_two_handlers_one_claim(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER, name="Alex Morgan")
    report = _queued(1, 5)
    claimed = client.post(f"/staff/triage/reports/{report.id}/claim",
                          data={"csrf_token": csrf_token(client, f"/staff/triage/reports/{report.id}")})
    assert claimed.headers["Location"] == f"/staff/triage/reports/{report.id}#decision"
    assert "Triage decision" in client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)

    bo = make_enrolled_staff(role=Role.CALL_HANDLER, name="Bo Lee")
    second = app_ctx.test_client()
    sign_in(second, bo)
    seen = second.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    assert re.search(r"Opened by A\. Morgan at \d\d:\d\d", seen)
    assert "Triage this report" not in seen and "Triage decision" not in seen
    queue_page = second.get("/staff/triage").get_data(as_text=True)
    assert "Alex Morgan" in queue_page, queue_page[queue_page.find("<main"):]

    token = csrf_token(second, "/staff/sign-out")  # B has no claim button; any form gives a token
    refused = second.post(f"/staff/triage/reports/{report.id}/claim", data={"csrf_token": token})
    assert refused.status_code == 409 and "Opened by A. Morgan at" in refused.get_data(as_text=True)


def _claim_and_open(client, report) -> str:
    client.post(f"/staff/triage/reports/{report.id}/claim",
                data={"csrf_token": csrf_token(client, f"/staff/triage/reports/{report.id}")})
    return client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)


def test_decision_is_saved_and_the_report_leaves_the_queue(login_as, client):
    handler = login_as(Role.CALL_HANDLER)
    report = _queued(1, 5)
    form = _decision_form(_claim_and_open(client, report))

    response = client.post(f"/staff/triage/reports/{report.id}/decision", data={
        **form, "threat": "Ex-partner, fixated", "grade": "priority", "classifications": ["s4A", "other_offence"],
        "safeguarding": ["children"], "next_step": "officer_pool"})

    assert response.headers["Location"] == "/staff/triage"
    assert "Decision saved" in client.get("/staff/triage").get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Report, report.id)
    assert not stored.awaiting_triage and stored.status is ReportStatus.WITH_OFFICER
    decision = db.session.scalar(select(TriageDecision))
    assert decision.decided_by_id == handler.id and decision.classifications == ["s4A", "other_offence"]
    assert decision.safeguarding == ["children"] and decision.thrive["threat"] == "Ex-partner, fixated"
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "triage.decision")) == handler.id


def test_decision_errors_keep_every_answer(login_as, client):
    login_as(Role.CALL_HANDLER)
    report = _queued(1, 5)
    form = _decision_form(_claim_and_open(client, report))

    response = client.post(f"/staff/triage/reports/{report.id}/decision", data={
        **form, "harm": "Could escalate to violence", "grade": "scheduled", "classifications": ["s2"],
        "next_step": "no_further_action"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: Triage a report" in page
    assert "Explain why this is harassment rather than stalking" in page
    assert "Explain why no further action is needed" in page
    assert "Could escalate to violence" in page and 'value="s2" checked' in page
    db.session.expire_all()
    assert db.session.get(Report, report.id).awaiting_triage


def test_an_update_arriving_while_open_is_shown_not_overwritten(login_as, client):
    login_as(Role.CALL_HANDLER)
    report = _queued(2, 5)
    form = _decision_form(_claim_and_open(client, report))
    stored = db.session.get(Report, report.id)
    db.session.add(ReportUpdate(report_id=report.id, answers={"message": "He was outside again tonight"}))
    stored.priority_rank = 1
    db.session.commit()
    decision = {"engagement": "Call on safe number only", "grade": "priority", "classifications": ["s2A"],
                "next_step": "officer_pool"}

    refused = client.post(f"/staff/triage/reports/{report.id}/decision", data={**form, **decision})

    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "This report changed while you had it open" in page
    assert "He was outside again tonight" in page and "Call on safe number only" in page
    assert db.session.scalar(select(TriageDecision.id)) is None
    # The page now carries the version they have seen: saving again decides on it.
    again = client.post(f"/staff/triage/reports/{report.id}/decision", data={**_decision_form(page), **decision})
    assert again.headers["Location"] == "/staff/triage"


def _phone_form(token: str, key: str, **overrides) -> dict:
    data = {
        "csrf_token": token, "submission_key": key,
        "danger-danger": "no", "reporter-role": "self",
        "occasions-occasions": "more", "unwanted-unwanted": "yes", "feelings-feelings": ["afraid_of_violence"],
        "behaviours-selected": ["following", "threats"], "how_often-frequency": "weekly",
        "how_often-most_recent": "yesterday",
        "incident1-when": "about March 2025", "incident1-what": "Waited outside my work",
        "incident1-where": "Outside work",
        "suspect_relationship-relationship": "ex_partner", "suspect_identity-name": "Dan Example",
        "suspect_identity-age_or_dob": "about 40",
        "about_you-name": "Zofia Nowak", "about_you-date_of_birth": ["", "", ""],
        "contact_safety-safe": "some_ways", "contact_safety-ways": ["call"],
        "contact_safety-accounts_accessed": "not_sure",
        "contact_details-phone": "07700 900456", "contact_details-voicemail": "no",
        "contact_details-code_word": "tulip",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_phone_report_goes_straight_to_triage_with_the_handler_recorded(login_as, client):
    handler = login_as(Role.CALL_HANDLER)
    page = client.get("/staff/triage/phone-report").get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    for label in ("Is anyone in danger right now?", "What have they done?", "When did it happen?",
                  "Is it safe for us to contact you?", "Can we leave a voicemail or message?"):
        assert label in page

    data = _phone_form(csrf_token(client, "/staff/triage/phone-report"), key)
    response = client.post("/staff/triage/phone-report", data=data)
    again = client.post("/staff/triage/phone-report", data=data)  # a double click

    report = db.session.scalar(select(Report))
    assert db.session.scalar(select(Report.id).where(Report.id != report.id)) is None
    assert response.headers["Location"] == f"/staff/triage/reports/{report.id}"
    assert again.headers["Location"] == response.headers["Location"]
    assert report.channel is Channel.PHONE and report.taken_by_id == handler.id and report.awaiting_triage
    assert report.answers["danger"] == "no"
    assert report.answers["behaviours"]["selected"] == ["following", "threats"]
    assert report.answers["contact"]["ways"] == ["call"] and report.answers["contact"]["code_word"] == "tulip"
    assert report.answers["suspect"]["name"] == "Dan Example"
    assert [i["what"] for i in report.answers["incidents"]] == ["Waited outside my work"]
    assert db.session.scalar(select(Incident.description)) == "Waited outside my work"
    assert report.priority_reasons  # threats: the journey's priority rules ran
    shown = client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    assert "Phone report saved with reference" in shown and "taken by" in shown
    assert report.reference in client.get("/staff/triage").get_data(as_text=True)


def test_phone_report_validation_keeps_every_answer(login_as, client):
    login_as(Role.CALL_HANDLER)
    data = _phone_form(csrf_token(client, "/staff/triage/phone-report"), "k" * 32, **{
        "danger-danger": None, "contact_details-phone": "", "incident2-what": "Only a description"})

    response = client.post("/staff/triage/phone-report", data=data)

    page = response.get_data(as_text=True)
    assert "<title>Error: Enter a report taken by phone" in page
    assert 'href="#danger-danger"' in page and "Select yes if anyone is in danger right now" in page
    assert "Enter a phone number that is safe to use" in page
    assert "Enter when it happened, or an approximate date" in page  # the half-filled second incident
    assert 'value="Dan Example"' in page and "Waited outside my work" in page and 'value="tulip"' in page
    assert db.session.scalar(select(Report.id)) is None
