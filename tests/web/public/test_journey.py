"""The report journey through the real routes: every answer reaches the database, once."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Channel, Draft, Incident, Person, PersonMatchKey, PersonRole, Report
from app.services.actor import Actor
from app.services.passwords import verify_password
from tests.web.public.helpers import FULL_ANSWERS, answer_everything, submit

PASSPHRASE = "purple elephant umbrella"


def send(client, **extra):
    return submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE, **extra})


def test_whole_journey_stores_every_answer(client):
    answer_everything(client)
    response = send(client)
    assert response.status_code == 302 and response.headers["Location"] == "/report/sent"

    report = db.session.scalar(select(Report))
    assert report.channel is Channel.ONLINE
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}", report.reference)
    answers = report.answers
    assert answers["danger"] == "no"
    assert answers["reporter"]["role"] == "self"
    assert answers["criteria"] == {"occasions": "lost_count", "unwanted": "not_safe_to",
                                   "feelings": ["afraid_of_violence", "anxious"],
                                   "feared_violence_times": "twice_or_more"}
    assert answers["behaviours"]["selected"] == ["following", "emails", "threats"]
    assert answers["behaviours"]["counts"] == {"following": "", "emails": "over 400", "threats": ""}
    assert answers["behaviours"]["most_recent"] == "yesterday"
    assert answers["suspect"]["weapons"] == "yes" and answers["suspect"]["vehicle"] == "Blue van"
    assert answers["impact"]["changes"] == ["routes", "moved_home"]
    assert answers["children"]["children_used"] == "yes"
    assert answers["orders"] == {"orders": ["non_molestation"], "broken": "yes", "details": "Made in June"}
    assert answers["evidence"]["held"] == ["screenshots", "footage"]
    assert answers["about_you"]["date_of_birth"] == "1985-03-27"
    assert answers["contact"]["ways"] == ["call", "text"] and answers["contact"]["code_word"] == "bluebell"
    assert answers["declaration"] is True
    # Every answer given on every page is in the stored report.
    sections = {"who-is-reporting": "reporter", "how-many-times": "criteria", "unwanted": "criteria",
                "feelings": "criteria", "what-has-happened": "behaviours", "how-often": "behaviours",
                "the-person": "suspect", "who-they-are": "suspect", "more": "suspect", "impact": "impact",
                "children-and-others": "children", "court-orders": "orders", "evidence": "evidence",
                "about-you": "about_you", "safe-contact": "contact", "details": "contact"}
    for url, data in FULL_ANSWERS:
        section = sections.get(url.rsplit("/", 1)[-1])
        for key, value in data.items():
            if section is None or key.startswith("count_") or key == "date_of_birth":
                continue
            assert answers[section][key] == value, (url, key)

    incident = db.session.scalar(select(Incident))
    assert incident.report_id == report.id and incident.when_text == "about March 2025"
    assert incident.sort_date == date(2025, 3, 1) and incident.location == "Outside work"
    assert "<script>" in incident.description  # stored as typed; shown escaped

    people = {p.role: p for p in db.session.scalars(select(Person))}
    assert people[PersonRole.VICTIM].name == "Siân O'Brien"
    assert people[PersonRole.VICTIM].date_of_birth == date(1985, 3, 27)
    assert people[PersonRole.SUSPECT].name == "Zoë Ōkawa-Smith"
    assert people[PersonRole.SUSPECT].relationship_to_victim == "ex_partner"
    keys = list(db.session.scalars(select(PersonMatchKey)))
    assert {k.role for k in keys} == {PersonRole.VICTIM, PersonRole.SUSPECT}
    assert all(re.fullmatch(r"[0-9a-f]{64}", k.key_hash) for k in keys)

    # Threats with weapons and recent violence-free conduct: high or urgent, with reasons and an SLA.
    assert report.priority_rank in (1, 2) and "access to weapons" in report.priority_reasons
    assert report.sla_due_at is not None and report.queued_at is not None and report.awaiting_triage
    assert verify_password(report.passphrase_hash, PASSPHRASE)
    assert db.session.scalar(select(func.count(Draft.id))) == 0
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.submit"))
    assert audit.record_id == report.id and "Zo" not in str(audit.details)

    page = client.get("/report/sent").get_data(as_text=True)
    assert report.reference in page and "What happens next" in page and "tel:999" in page


def test_check_answers_shows_answers_escaped_with_change_links_that_return(client):
    answer_everything(client)
    html = client.get("/report/check-answers").get_data(as_text=True)
    assert "Zoë Ōkawa-Smith" in html and "Siân O&#39;Brien" in html
    assert "over 400" in html and "1 incident" in html
    assert 'href="/report/feelings?return=check"' in html
    assert "<script>alert" not in html
    changed = submit(client, "/report/feelings?return=check", {"feelings": ["none"]})
    assert changed.headers["Location"] == "/report/check-answers"
    back = client.get("/report/impact?return=check").get_data(as_text=True)
    assert 'href="/report/check-answers"' in back


def test_not_sure_answers_still_reach_a_report(client):
    submit(client, "/report/start", {"danger": "not_sure"})
    submit(client, "/report/how-many-times", {"occasions": "once"})
    page = client.get("/report/what-this-may-be").get_data(as_text=True)
    assert "may still be a crime" in page
    assert send(client, passphrase="").status_code == 302
    report = db.session.scalar(select(Report))
    assert report.answers["danger"] == "not_sure" and report.passphrase_hash is None
    assert "not sure they are safe now" in report.priority_reasons


def test_danger_yes_shows_call_999_then_continues(client):
    response = submit(client, "/report/start", {"danger": "yes"})
    assert response.headers["Location"] == "/report/call-999"
    page = client.get("/report/call-999").get_data(as_text=True)
    assert 'href="tel:999"' in page and "press 55" in page and "/report/staying-safe" in page
    assert client.get("/report/staying-safe").status_code == 200
    report_page = client.get("/report/start").get_data(as_text=True)
    assert f"{30} minutes" in report_page  # page 1 states the idle limit for people without JavaScript


def test_double_submit_and_retry_make_one_report(client):
    answer_everything(client)
    page = client.get("/report/send").get_data(as_text=True)
    from tests.web.public.helpers import csrf_from

    token = csrf_from(page)
    data = {"csrf_token": token, "declaration": "y", "passphrase": PASSPHRASE}
    first = client.post("/report/send", data=data)
    second = client.post("/report/send", data=data)
    assert first.headers["Location"] == second.headers["Location"] == "/report/sent"
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_submit_service_returns_the_existing_report_for_a_repeated_key(app_ctx):
    from app.services.reports import submit_report

    first = submit_report({"danger": "no"}, channel=Channel.PHONE, actor=Actor.victim(), submission_key="k" * 64)
    again = submit_report({"danger": "no"}, channel=Channel.PHONE, actor=Actor.victim(), submission_key="k" * 64)
    assert first.id == again.id
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_validation_errors_keep_every_answer(client):
    submit(client, "/report/start", {"danger": "no"})
    response = submit(client, "/report/who-is-reporting", {"role": "on_behalf", "relationship": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "Enter who you are to the person" in html
    assert 'value="on_behalf" checked' in html

    response = submit(client, "/report/incidents/add", {"when": "", "what": "",
                                                       "where": "<b>Park</b>", "witnesses": "Bob"})
    html = response.get_data(as_text=True)
    assert "Enter when it happened" in html and "Enter what happened" in html
    assert "&lt;b&gt;Park&lt;/b&gt;" in html and ">Bob</textarea>" in html
    assert 'href="#when"' in html


def test_every_required_question_has_a_message(client):
    submit(client, "/report/start", {"danger": "no"})
    cases = [
        ("/report/start", {}, "Select yes if anyone is in danger right now"),
        ("/report/who-is-reporting", {}, "Select who is making this report"),
        ("/report/how-many-times", {}, "Select how many times it has happened"),
        ("/report/unwanted", {}, "Select whether it is unwanted"),
        ("/report/feelings", {"feelings": ["none", "anxious"]}, "select none of these or I&#39;m not sure"),
        ("/report/how-often", {"started": "1 January 2099"}, "must be today or in the past"),
        ("/report/about-you", {"date_of_birth": ["31", "2", "1990"]}, "must be a real date"),
        ("/report/about-you", {"date_of_birth": ["", "3", "1985"]}, "must be a real date"),
        ("/report/safe-contact", {}, "Select whether it is safe for us to contact you"),
        ("/report/safe-contact", {"safe": "some_ways", "accounts_accessed": "no"}, "Select which ways are safe"),
        ("/report/safe-contact", {"safe": "some_ways", "ways": ["email"], "accounts_accessed": "yes"},
         "Untick email"),
        ("/report/send", {}, "Confirm the information is true"),
        ("/report/send", {"declaration": "y", "passphrase": "short"}, "between 10 and 200 characters"),
        ("/report/the-person/who-they-are", {"name": "x" * 201}, "200 characters or fewer"),
        ("/report/incidents/add", {"when": "today", "what": "x" * 20_001}, "20,000 characters or fewer"),
    ]
    for url, data, message in cases:
        html = submit(client, url, data).get_data(as_text=True)
        assert message in html, url
        assert "<title>Error: " in html, url


def test_a_post_with_missing_date_boxes_gets_the_page_again_not_an_error(client):
    # Not something our page sends, but a hand-made post must still get a clear message, not a 500.
    submit(client, "/report/start", {"danger": "no"})
    for date_parts in ("7", ["7", "3"]):
        response = submit(client, "/report/about-you", {"name": "A", "date_of_birth": date_parts})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "must be a real date" in html and 'name="date_of_birth"' in html
    response = submit(client, "/report/about-you", {"name": "A"})
    assert response.status_code == 302  # no date boxes at all: no date of birth given, which is allowed


def test_contact_details_needs_what_the_safe_ways_use(client):
    submit(client, "/report/start", {"danger": "no"})
    submit(client, "/report/safe-contact", {"safe": "some_ways", "ways": ["text", "trusted_person"],
                                            "accounts_accessed": "no"})
    html = submit(client, "/report/safe-contact/details", {"voicemail": "no"}).get_data(as_text=True)
    assert "Enter a phone number that is safe to use" in html and "Enter the name of the person you trust" in html
    html = submit(client, "/report/safe-contact/details", {"email": "not-an-email"}).get_data(as_text=True)
    assert "Select yes if we can leave a voicemail" in html


def test_no_contact_skips_contact_details(client):
    submit(client, "/report/start", {"danger": "no"})
    response = submit(client, "/report/safe-contact", {"safe": "no", "accounts_accessed": "yes"})
    assert response.headers["Location"] == "/report/check-answers"


def test_approximate_dates_sort_the_incident_log(client):
    submit(client, "/report/start", {"danger": "no"})
    for when in ["last summer", "about March 2025", "3/1/2024", "I can't remember"]:
        assert submit(client, "/report/incidents/add", {"when": when, "what": "x"}).status_code == 302
    draft = db.session.scalar(select(Draft))
    dates = {i["when"]: i["sort_date"] for i in draft.answers["incidents"]}
    assert dates["about March 2025"] == "2025-03-01" and dates["3/1/2024"] == "2024-01-03"
    assert dates["I can't remember"] is None
    html = client.get("/report/incidents").get_data(as_text=True)
    assert html.index("3/1/2024") < html.index("about March 2025") < html.index("I can&#39;t remember")


def test_incidents_can_be_changed_and_removed(client):
    submit(client, "/report/start", {"danger": "no"})
    submit(client, "/report/incidents/add", {"when": "May 2025", "what": "First"})
    item_id = db.session.scalar(select(Draft)).answers["incidents"][0]["id"]
    submit(client, f"/report/incidents/{item_id}/change", {"when": "June 2025", "what": "Changed"})
    db.session.expire_all()
    assert db.session.scalar(select(Draft)).answers["incidents"][0]["what"] == "Changed"
    submit(client, f"/report/incidents/{item_id}/remove")
    db.session.expire_all()
    assert db.session.scalar(select(Draft)).answers["incidents"] == []
    assert client.get("/report/incidents/nope/change").status_code == 404


def test_150_incidents_stay_usable_and_all_reach_the_report(client):
    submit(client, "/report/start", {"danger": "no"})
    draft = db.session.scalar(select(Draft))
    draft.answers = {**draft.answers, "incidents": [
        {"id": f"i{n:03}", "when": f"{1 + n % 28} March 2024", "sort_date": f"2024-03-{1 + n % 28:02}",
         "what": f"Incident {n}", "where": "", "witnesses": "", "evidence": ""} for n in range(150)]}
    db.session.commit()
    first = client.get("/report/incidents").get_data(as_text=True)
    assert "You have added 150 incidents" in first and first.count("Change<span") == 20
    assert 'href="/report/incidents?page=8"' in first
    last = client.get("/report/incidents?page=8").get_data(as_text=True)
    assert last.count("Change<span") == 10
    assert send(client).status_code == 302
    assert db.session.scalar(select(func.count(Incident.id))) == 150
    assert "many incidents" in db.session.scalar(select(Report)).priority_reasons


def test_pages_are_not_cached_and_keep_answers_out_of_urls_titles_and_cookies(client):
    answer_everything(client)
    for url, _ in [*FULL_ANSWERS, ("/report/check-answers", None), ("/report/incidents", None)]:
        response = client.get(url)
        assert "no-store" in response.headers["Cache-Control"], url
        title = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)
        for secret in ("Zoë", "Siân", "bluebell", "07700"):
            assert secret not in title and secret not in url
    cookie = client.get_cookie("session")
    import base64
    import zlib

    raw = cookie.value.split(".")[0].lstrip(".")
    try:
        decoded = zlib.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))).decode()
    except zlib.error:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    assert "Zo" not in decoded and "bluebell" not in decoded and "ex_partner" not in decoded


def test_neutral_titles_setting_hides_page_titles(client, app):
    app.config["NEUTRAL_TITLES"] = True
    try:
        html = client.get("/report/start").get_data(as_text=True)
        assert re.search(r"<title>\s*Northshire Police\s*</title>", html)
    finally:
        app.config["NEUTRAL_TITLES"] = False


def test_mid_journey_page_without_a_draft_goes_to_the_start(client):
    assert client.get("/report/impact").headers["Location"] == "/report/start"


def test_at_half_past_midnight_bst_today_is_not_in_the_future(client, monkeypatch):
    """00:30 BST on 1 July is 23:30 UTC on 30 June: a victim who types today's date is believed."""
    from datetime import UTC, datetime

    from app.domain import uk_time

    monkeypatch.setattr(uk_time, "clock", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    submit(client, "/report/start", {"danger": "no"})
    added = submit(client, "/report/incidents/add", {"when": "1 July 2026", "what": "He was outside"})
    assert added.status_code == 302
    future = submit(client, "/report/incidents/add", {"when": "2 July 2026", "what": "He was outside"})
    assert future.status_code == 200 and "must be today or in the past" in future.get_data(as_text=True)
    born = submit(client, "/report/about-you", {"date_of_birth": ["1", "7", "2026"]})
    assert born.status_code == 302


def test_at_half_past_midnight_gmt_the_date_is_the_same_as_utc(client, monkeypatch):
    from datetime import UTC, datetime

    from app.domain import uk_time

    monkeypatch.setattr(uk_time, "clock", lambda: datetime(2026, 1, 15, 0, 30, tzinfo=UTC))
    submit(client, "/report/start", {"danger": "no"})
    assert submit(client, "/report/incidents/add", {"when": "15 January 2026", "what": "x"}).status_code == 302
    assert submit(client, "/report/incidents/add", {"when": "16 January 2026", "what": "x"}).status_code == 200
