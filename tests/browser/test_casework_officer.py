"""An officer signs in, picks up a case, assesses the risk, makes a referral and records a contact: axe-clean."""

from __future__ import annotations

import re
from types import SimpleNamespace

from playwright.sync_api import expect

from app.models import Role
from tests.factories import DEFAULT_PASSWORD
from tests.staff_fixtures import current_code, make_enrolled_staff
from tests.web.cases.helpers import make_case


def _sign_in(page, site: str, officer) -> None:
    # Like tests.staff_fixtures.browser_sign_in, whose get_by_label("Password") also matches the "Show password"
    # button (Playwright strict mode); reported to the sign-in engineer.
    page.goto(f"{site}/staff/sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_role("textbox", name="Password").fill(DEFAULT_PASSWORD)
    page.get_by_label("Security code").fill(current_code(officer.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/staff/sign-in"))


def _check(page, phone_page, axe_check, name: str) -> None:
    """Axe on the page as the officer sees it at desktop, and the same page at 320 px."""
    axe_check(page, name)
    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(page.url)
    axe_check(phone_page, f"{name} at 320px")


def test_officer_picks_up_assesses_refers_and_records_contact(site, live_app, page, phone_page, axe_check, screenshot):
    with live_app.app_context():
        staff = make_enrolled_staff(role=Role.OFFICER, name="Olivia Officer")
        officer = SimpleNamespace(email=staff.email, totp_secret=staff.totp_secret)
        case_id = make_case(priority_rank=1).id

    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, site, officer)
    page.goto(f"{site}/staff/cases/pool")
    expect(page.get_by_role("heading", name="Cases to pick up", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "pool")

    page.get_by_role("button", name="Pick up the most urgent case").click()
    expect(page.get_by_role("heading", name=f"Case {case_id}", level=1)).to_be_visible()
    expect(page.get_by_text("You picked up this case.")).to_be_visible()
    # The safe-contact rules come first, before the heading.
    box = page.get_by_role("region", name="Safe contact rules")
    expect(box).to_contain_text("No voicemail")
    assert box.bounding_box()["y"] < page.get_by_role("heading", name=f"Case {case_id}").bounding_box()["y"]
    _check(page, phone_page, axe_check, "case page")
    screenshot(page, "casework-case-page")

    # The officer reads the whole report from the case, safe contact first.
    page.get_by_role("link", name=re.compile("read the whole report")).click()
    expect(page.get_by_role("heading", name=f"A report in case {case_id}", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Safe contact rules")).to_contain_text("No voicemail")
    _check(page, phone_page, axe_check, "report in case")
    page.get_by_role("link", name=f"Back to case {case_id}").click()

    page.get_by_role("link", name=re.compile("Complete the Stalking screening")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stalking screening")
    _check(page, phone_page, axe_check, "risk assessment")
    for n in range(1, 12):
        group = page.get_by_role("group", name=re.compile(rf"^{n}\. "))
        group.get_by_label("Yes" if n in (1, 5, 6) else "No", exact=True).check()
    page.get_by_role("group", name="Risk level in your professional judgement").get_by_label("High").check()
    page.get_by_label("Reason for your judgement").fill("Fixated, threats of violence, loitering at home")
    page.get_by_role("button", name="Save risk assessment").click()
    expect(page.get_by_text("Risk assessment saved.")).to_be_visible()
    expect(page.get_by_text("The latest risk assessment prompts a referral to Paladin")).to_be_visible()

    page.get_by_role("link", name="Refer to Paladin").click()
    expect(page.get_by_role("heading", name="Make a referral", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "referral")
    page.get_by_role("radio", name="Not asked").check()
    page.get_by_label("If consent was refused or not asked, explain why").fill("Not safe to talk yet")
    page.get_by_label("Reason for the referral (shared with the partner)").fill("High risk stalking")
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("Referral recorded as proposed.")).to_be_visible()

    # Later the victim is asked and consents: recorded on the same referral, which may then be sent.
    page.get_by_role("link", name="Record consent to the referral to Paladin").click()
    expect(page.get_by_role("heading", name="Record consent to the referral to Paladin", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "record consent")
    screenshot(phone_page, "casework-record-consent-320")
    page.get_by_label("Yes, consent given").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent to the referral to Paladin recorded: given.")).to_be_visible()

    page.get_by_role("link", name="Summary to print for Paladin").click()
    expect(page.get_by_role("heading", name="Referral to Paladin", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "referral summary")
    screenshot(phone_page, "casework-referral-summary-320")
    # Printed (or saved as a PDF) it is the summary alone: no staff menu, header, footer or back link.
    page.emulate_media(media="print")
    screenshot(page, "casework-referral-summary-print")
    for hidden in (page.get_by_role("link", name="Back to the case"), page.locator("header").first,
                   page.locator("footer").first):
        expect(hidden).to_be_hidden()
    expect(page.get_by_text("High risk stalking")).to_be_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the case").click()

    page.get_by_role("link", name="Record a contact attempt").click()
    expect(page.get_by_role("heading", name="Record a contact attempt", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "contact")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Message or letter sent").check()
    page.get_by_role("button", name="Save contact attempt").click()
    # Email is unsafe for this victim: a warning, the answers kept, and a reason needed.
    expect(page.get_by_role("alert")).to_contain_text("The victim marked email as unsafe")
    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    _check(page, phone_page, axe_check, "contact with the unsafe-channel warning")
    page.get_by_label("Phone call").check()
    page.get_by_label("Spoke to the victim").check()
    page.get_by_label("The victim was given an update on the case").check()
    page.get_by_role("button", name="Save contact attempt").click()
    expect(page.get_by_text("Contact attempt recorded.")).to_be_visible()
    timeline = page.locator("#timeline + ol")
    expect(timeline).to_contain_text("Contact attempt: Phone call")
    expect(timeline).to_contain_text("Referral to Paladin proposed")
    expect(timeline).to_contain_text("Consent to the referral to Paladin: given (was not asked)")
    expect(timeline).to_contain_text("Risk assessment (stalking-screen version 1)")
    expect(page.get_by_text("Last update given")).to_be_visible()
    _check(page, phone_page, axe_check, "case page after the work")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320, "no sideways scrolling at 320 px"
    screenshot(page, "casework-case-page-after-the-work")
    screenshot(phone_page, "casework-case-page-after-the-work-320")


def test_supervisor_sees_the_overview_and_gives_a_case_to_a_veo(site, live_app, page, phone_page, axe_check,
                                                                  screenshot):
    from app.extensions import db
    from app.models import Case

    with live_app.app_context():
        boss = make_enrolled_staff(role=Role.SUPERVISOR, name="Sam Supervisor")
        make_enrolled_staff(role=Role.OFFICER, name="Val Engagement", is_veo=True)
        supervisor = SimpleNamespace(email=boss.email, totp_secret=boss.totp_secret)
        case_id = make_case(priority_rank=1).id
        db.session.get(Case, case_id).risk_level = "high"
        db.session.commit()

    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, site, supervisor)
    page.goto(f"{site}/staff/cases/supervisor")
    expect(page.get_by_role("heading", name="Casework overview", level=1)).to_be_visible()
    _check(page, phone_page, axe_check, "supervisor overview")
    screenshot(page, "casework-supervisor")
    screenshot(phone_page, "casework-supervisor-320")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320, "no sideways scrolling at 320 px"
    page.get_by_role("link", name=f"Reassign case {case_id}").first.click()
    _check(page, phone_page, axe_check, "reassign")
    page.get_by_label("Give the case to").select_option(label="Val Engagement (VEO)")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_text("Case reassigned.")).to_be_visible()
    expect(page.locator("#timeline + ol")).to_contain_text("Reassigned to Val Engagement (Victim Engagement Officer)")
