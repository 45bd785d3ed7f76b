"""A call handler signs in (real TOTP) and triages a report end to end; every staff page is axe-clean."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Channel, Report, ReportStatus, Role, TriageDecision
from app.services.actor import Actor
from tests.browser.conftest import ARTIFACTS
from tests.evidence_helpers import make_evidence
from tests.staff_fixtures import browser_sign_in, make_enrolled_staff

ANSWERS = {
    "danger": "no",
    "reporter": {"role": "self"},
    "criteria": {"occasions": "more", "unwanted": "yes", "feelings": ["afraid_of_violence"]},
    "behaviours": {"selected": ["following", "threats", "messages"], "frequency": "daily", "increasing": "yes",
                   "most_recent": "yesterday"},
    "incidents": [
        {"id": "a1", "when": "about March 2025", "sort_date": "2025-03-01", "what": "Waited outside my work",
         "where": "Outside work", "witnesses": "A colleague", "evidence": "Doorbell footage"},
        {"id": "a2", "when": "2 May 2025", "sort_date": "2025-05-02", "what": "Sent 40 messages in one night",
         "where": "WhatsApp", "witnesses": "", "evidence": "Screenshots"},
    ],
    "suspect": {"relationship": "ex_partner", "name": "Mark Example", "age_or_dob": "about 40"},
    "children": {"in_household": "yes", "ages": "6", "concerns": "yes"},
    "about_you": {"name": "Zofia Nowak"},
    "contact": {"safe": "some_ways", "ways": ["call"], "phone": "07700 900123", "voicemail": "no",
                "safe_times": "Weekdays 9am to 3pm", "code_word": "bluebell", "accounts_accessed": "yes"},
}
# A PNG header and padding: enough for a file on the triage screen and a real download.
EVIDENCE_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 3000


@pytest.fixture
def report_and_handler(live_app, site):
    """A submitted online report (through the journey's own submission) and an enrolled call handler."""
    from app.services.reports import submit_report

    with live_app.app_context():
        report = submit_report(ANSWERS, channel=Channel.ONLINE, actor=Actor.victim(),
                               submission_key=secrets.token_hex(16))
        make_evidence(report_id=report.id, data=EVIDENCE_BYTES, name="Screenshot of messages 2 May.png")
        # One the scanner has not passed yet: listed with its tag and a warning, never a link.
        make_evidence(report_id=report.id, data=EVIDENCE_BYTES, name="Voice note 3 May.png", scanned=False)
        handler = make_enrolled_staff(role=Role.CALL_HANDLER, name="Casey Handler")
        make_enrolled_staff(role=Role.OFFICER, name="Olu Officer", is_veo=True)
        yield report.id, report.reference, handler
        db.session.remove()


def test_call_handler_triages_a_report_end_to_end(page, site, live_app, axe_check, screenshot, report_and_handler):
    report_id, reference, handler = report_and_handler
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{site}/staff/triage")  # not signed in: sent to sign in
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    axe_check(page, "sign in")
    page.get_by_label("Email address").fill(handler.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("The email address, password or security code is not right")).to_be_visible()
    axe_check(page, "sign in with an error")

    browser_sign_in(page, site, handler)
    expect(page.get_by_text("Signed in as Casey Handler")).to_be_visible()
    axe_check(page, "staff home")

    page.get_by_role("link", name="Triage queue").first.click()
    expect(page.get_by_role("heading", name="Triage queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("High")).to_be_visible()
    expect(row.get_by_text("threats of violence")).to_be_visible()
    assert re.search(r"Due in \d+ hr", row.inner_text())
    axe_check(page, "triage queue")
    screenshot(page, "triage-queue-desktop")

    page.get_by_label("Channel").select_option("phone")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile("channel=phone"))
    expect(page.get_by_text("No reports match these filters")).to_be_visible()
    assert "channel=phone" in page.url and reference not in page.url
    axe_check(page, "filtered queue")
    page.get_by_role("link", name="Clear filters").click()

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="Triage a report")).to_be_visible()
    main = page.locator("main").inner_text()
    assert main.index("Safe contact rules") < main.index("Criteria")
    expect(page.get_by_text("No voicemail: do not leave messages")).to_be_visible()
    expect(page.get_by_text("Waited outside my work")).to_be_visible()
    expect(page.get_by_text("Why: threats of violence")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d{4} at \d{1,2}:\d\d[ap]m"))).to_be_visible()  # due, on the UK clock
    expect(page.get_by_text(hashlib.sha256(EVIDENCE_BYTES).hexdigest()).first).to_be_visible()
    expect(page.get_by_text("1 file has not been checked for viruses yet")).to_be_visible()
    expect(page.get_by_text("Not yet scanned")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Voice note 3 May"))).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Screenshot of messages 2 May.png")).click()
    download = download_info.value
    assert download.suggested_filename == "Screenshot of messages 2 May.png"
    assert Path(download.path()).read_bytes() == EVIDENCE_BYTES
    expect(page.get_by_role("heading", name="Triage a report")).to_be_visible()  # still on the report
    axe_check(page, "report")

    page.get_by_role("button", name="Triage this report").click()
    expect(page.get_by_role("heading", name="Triage decision")).to_be_visible()
    axe_check(page, "report with decision form")
    screenshot(page, "triage-report-desktop")

    page.get_by_label("Harassment (s2)").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Triage a report"))
    expect(page.get_by_role("link", name="Select a grade")).to_be_visible()
    expect(page.get_by_role("link", name="Explain why this is harassment rather than stalking")).to_be_visible()
    axe_check(page, "decision with errors")

    page.get_by_label("Threat", exact=True).fill("Ex-partner, fixated; threats to hurt her")
    page.get_by_label("Priority", exact=True).check()
    page.get_by_label("Harassment (s2)").uncheck()
    page.get_by_label("Stalking involving fear of violence or serious alarm or distress (s4A)").check()
    page.get_by_label("Children at risk").check()
    page.get_by_label("Assign to a named officer or VEO").check()
    page.get_by_label("Officer or VEO", exact=True).select_option(label="Olu Officer (VEO)")
    page.get_by_role("button", name="Save decision").click()

    expect(page.get_by_text("Decision saved. The report has left the queue.")).to_be_visible()
    assert page.get_by_role("link", name=reference).count() == 0
    axe_check(page, "queue after decision")

    with live_app.app_context():
        report = db.session.get(Report, report_id)
        decision = db.session.scalar(select(TriageDecision).where(TriageDecision.report_id == report_id))
        assert not report.awaiting_triage and report.status is ReportStatus.WITH_OFFICER
        assert decision.classifications == ["s4A"] and decision.safeguarding == ["children"]
        db.session.remove()

    page.get_by_role("link", name="Phone report").first.click()
    expect(page.get_by_role("heading", name="Enter a report taken by phone")).to_be_visible()
    axe_check(page, "phone report form")
    page.get_by_role("button", name="Save report and send to triage").click()
    expect(page).to_have_title(re.compile(r"^Error: Enter a report taken by phone"))
    axe_check(page, "phone report form with errors")


def test_staff_pages_are_axe_clean_at_320px(phone_page, site, axe_check, screenshot, report_and_handler):
    _, reference, handler = report_and_handler
    page = phone_page

    page.goto(f"{site}/staff/sign-in")
    axe_check(page, "sign in at 320px")
    browser_sign_in(page, site, handler)
    axe_check(page, "staff home at 320px")
    page.goto(f"{site}/staff/triage")
    axe_check(page, "queue at 320px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the table scrolls in its own box
    screenshot(page, "triage-queue-320px")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="Triage a report")).to_be_visible()
    # The safe-contact rules come first on a phone too: above the priority, inside the screen's width.
    rules = page.get_by_role("region", name="Safe contact rules").bounding_box()
    priority = page.get_by_text("Why: threats of violence").bounding_box()
    assert rules["y"] < priority["y"] and rules["x"] + rules["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling of the page
    axe_check(page, "report at 320px")
    screenshot(page, "triage-report-320px")
    page.screenshot(path=str(ARTIFACTS / "triage-report-320px-first-screen.png"))  # what a handler sees first
    page.get_by_role("button", name="Triage this report").click()
    expect(page.get_by_role("heading", name="Triage decision")).to_be_visible()
    axe_check(page, "report and decision form at 320px")
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Triage a report"))
    axe_check(page, "decision errors at 320px")
    page.goto(f"{site}/staff/triage/phone-report")
    axe_check(page, "phone report at 320px")
    page.goto(f"{site}/staff/change-password")
    axe_check(page, "change password at 320px")
    page.goto(f"{site}/staff/sign-out")
    axe_check(page, "sign out at 320px")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
