"""The report journey in a real browser, by visible labels: axe-clean on every page at desktop and 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Draft, Incident, Report, ReportUpdate

PASSPHRASE = "purple elephant umbrella"


class Walker:
    """Fills in the journey as a person would, checking every page it reaches."""

    def __init__(self, page, axe_check, screenshot, tag: str, axe: bool = True):
        self.page, self.axe_check, self.screenshot, self.tag, self.axe = page, axe_check, screenshot, tag, axe
        self.seen: list[str] = []

    def check(self, name: str) -> None:
        self.seen.append(name)
        if self.axe:
            self.axe_check(self.page, f"{name} ({self.tag})")
        if self.tag == "320px":
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"horizontal scroll on {name} at 320px"

    def heading(self, text: str) -> None:
        assert self.page.get_by_role("heading", level=1).first.inner_text().strip().startswith(text), text

    def group(self, name: str):
        return self.page.get_by_role("group", name=name)

    def go_on(self, button: str = "Continue") -> None:
        self.page.get_by_role("button", name=button).click()


def walk_full_report(w: Walker, *, shots: bool = False) -> None:
    page = w.page
    page.get_by_role("button", name="Start now").click()
    w.heading("Is anyone in danger right now?")
    w.check("danger")
    w.go_on()  # nothing chosen: the error summary
    expect(page).to_have_title(re.compile(r"^Error: "))  # waits for the page the click loads
    expect(page.get_by_role("link", name="Select yes if anyone is in danger right now")).to_be_visible()
    w.check("danger error")
    if shots:
        w.screenshot(page, f"journey-danger-error-{w.tag}")
    page.get_by_label("No", exact=True).check()
    w.go_on()

    w.heading("Staying safe")
    w.check("staying safe")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("It is happening to me").check()
    w.check("who is reporting")
    w.go_on()
    page.get_by_label("So many times I have lost count").check()
    w.check("how many times")
    w.go_on()
    page.get_by_label("Yes, I do not want it").check()
    w.check("unwanted")
    w.go_on()
    page.get_by_label("Alarmed, upset or distressed").check()
    page.get_by_label("Afraid that they will use violence").check()
    page.get_by_label("Twice or more").check()
    w.check("feelings")
    w.go_on()

    w.heading("What your answers suggest")
    w.check("what this may be")
    if shots:
        w.screenshot(page, f"journey-criteria-{w.tag}")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Following you").check()
    page.get_by_label("Unwanted emails").check()
    w.check("behaviours")
    w.go_on()
    page.get_by_label("When did it start?").fill("about March 2025")
    page.get_by_label("Every day or almost every day").check()
    page.get_by_label("Unwanted emails: roughly how many times?").fill("over 400")
    w.check("how often")
    w.go_on()

    w.heading("Each time it happened")
    w.check("incidents empty")
    page.get_by_role("button", name="Add an incident").click()
    w.check("add incident")
    page.get_by_label("When did it happen?").fill("about March 2025")
    page.get_by_label("What happened?").fill("They waited outside my work <b>again</b>")
    page.get_by_label("Where did it happen?").fill("Outside work")
    w.go_on()
    w.check("incidents list")
    if shots:
        w.screenshot(page, f"journey-incidents-{w.tag}")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("My ex-partner").check()
    w.check("suspect relationship")
    w.go_on()
    page.get_by_label("Their name").fill("Zoë Ōkawa-Smith")
    w.check("suspect identity")
    w.go_on()
    w.group("Do they have access to weapons?").get_by_label("I'm not sure").check()
    w.check("suspect more")
    w.go_on()
    page.get_by_label("I have changed my routine").check()
    w.check("impact")
    w.go_on()
    w.group("Are there children in your household?").get_by_label("No", exact=True).check()
    w.check("children")
    w.go_on()
    page.get_by_label("None of these").check()
    w.check("court orders")
    w.go_on()
    page.get_by_label("Screenshots or photos").check()
    page.get_by_label("Describe what you have").fill("Screenshots of the emails")
    w.check("evidence")
    w.go_on()
    page.get_by_label("Your full name").fill("Siân O'Brien")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1985")
    w.check("about you")
    if shots:
        w.screenshot(page, f"journey-about-you-{w.tag}")
    w.go_on()
    page.get_by_label("Yes, but only in certain ways").check()
    page.get_by_label("Text message").check()
    accounts = w.group("Could anyone else read your messages, email or get into your accounts?")
    accounts.get_by_label("No", exact=True).check()
    w.check("safe contact")
    w.go_on()
    page.get_by_label("Phone number that is safe to use").fill("07700 900123")
    w.group("Can we leave a voicemail or message?").get_by_label("No", exact=True).check()
    w.check("contact details")
    w.go_on()

    w.heading("Check your answers")
    expect(page.get_by_text("Zoë Ōkawa-Smith")).to_be_visible()
    w.check("check answers")
    if shots:
        w.screenshot(page, f"journey-check-answers-{w.tag}")
    # Change returns to check answers.
    page.get_by_role("link", name="Change their name").click()
    page.get_by_label("Their name").fill("Zoë Okawa")
    w.go_on()
    w.heading("Check your answers")
    page.get_by_role("button", name="Continue to send your report").click()

    w.check("send")
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_label("I confirm the information I have given is true").check()
    w.go_on("Send report")
    w.heading("Report sent")
    w.check("confirmation")
    if shots:
        w.screenshot(page, f"journey-sent-{w.tag}")
    assert re.search(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", page.get_by_role("main").inner_text())
    # Nothing the person typed appears in any URL they visited.
    assert "Zo" not in page.url and "07700" not in page.url


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_full_report_is_axe_clean_on_every_page(browser, site, live_app, axe_check, screenshot, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(site + "/")
    walker = Walker(page, axe_check, screenshot, "desktop" if width == 1280 else "320px")
    walk_full_report(walker, shots=True)
    assert len(walker.seen) >= 25
    for url in visited:
        assert "Zo" not in url and "Si" not in url.split("/")[-1]
    with live_app.app_context():
        report = db.session.scalar(select(Report))
        assert report.answers["suspect"]["name"] == "Zoë Okawa"
        assert report.answers["behaviours"]["counts"]["emails"] == "over 400"
        assert db.session.scalar(select(func.count(Incident.id))) == 1
        db.session.remove()
    context.close()


def test_full_report_works_without_javascript(browser, site, live_app, axe_check, screenshot):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    walk_full_report(Walker(page, axe_check, screenshot, "nojs", axe=False))
    with live_app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 1
        db.session.remove()
    context.close()


def test_danger_page_and_a_not_sure_report(page, site, axe_check, live_app):
    page.goto(site + "/report/start")
    page.get_by_label("Yes, someone is in danger now").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Call 999 now"
    assert page.get_by_role("link", name="999").first.get_attribute("href") == "tel:999"
    axe_check(page, "call 999")
    page.get_by_role("button", name="I am safe now, continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("It is happening to me").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I'm not sure").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I'm not sure").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I'm not sure").first.check()
    page.get_by_role("button", name="Continue").click()
    assert "please report it" in page.get_by_role("main").inner_text().lower()
    page.goto(site + "/report/send")
    page.get_by_label("I confirm the information I have given is true").check()
    page.get_by_role("button", name="Send report").click()
    assert page.get_by_role("heading", level=1).inner_text().strip().startswith("Report sent")
    with live_app.app_context():
        assert db.session.scalar(select(Report)).answers["danger"] == "yes"
        db.session.remove()


def test_save_close_and_resume_elsewhere_then_add_to_the_report(browser, site, axe_check, live_app):
    first = browser.new_context()
    page = first.new_page()
    page.goto(site + "/report/start")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.goto(site + "/report/impact")
    page.get_by_label("Tell us more about how it has affected you").fill("I no longer go to the gym")
    page.get_by_role("button", name="Save and come back later").click()
    axe_check(page, "save")
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Save my answers").click()
    axe_check(page, "saved")
    code = re.search(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", page.get_by_role("main").inner_text()).group(0)
    first.close()

    second = browser.new_context(viewport={"width": 320, "height": 800})
    page = second.new_page()
    page.goto(site + "/")
    page.get_by_role("link", name="Add to a report or check on it").click()
    axe_check(page, "already reported")
    page.get_by_role("link", name="Continue a saved report").click()
    page.get_by_label("Return code").fill(code)
    page.get_by_label("Passphrase").fill("wrong passphrase here")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))  # waits for the page the click loads
    axe_check(page, "resume error")
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("I no longer go to the gym")).to_be_visible()
    page.get_by_role("button", name="Continue to send your report").click()
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_label("I confirm the information I have given is true").check()
    page.get_by_role("button", name="Send report").click()
    reference = re.search(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", page.get_by_role("main").inner_text()).group(0)

    page.get_by_role("link", name="add to your report").click()
    page.get_by_role("link", name="Add to a report or check on it").click()
    page.get_by_label("Report reference").fill(reference)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Received")).to_be_visible()
    axe_check(page, "your report")
    page.get_by_role("button", name="Add to your report").click()
    axe_check(page, "add to report")
    page.get_by_label("When did it happen?").fill("yesterday")
    page.get_by_label("What happened?").fill("A parcel left on my doorstep")
    page.get_by_role("button", name="Add to report").click()
    expect(page.get_by_text("We have added this to your report")).to_be_visible()
    # The loop's optional step: new safe-contact rules.
    page.get_by_label("Yes").check()
    axe_check(page, "contact changed")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes, but only in certain ways").check()
    page.get_by_label("Letter").check()
    page.get_by_role("group", name="Could anyone else read your messages, email or get into your accounts?") \
        .get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Can we leave a voicemail or message?").get_by_label("No", exact=True).check()
    page.get_by_label("When is it safe to contact you?").fill("Evenings only")
    axe_check(page, "new contact rules")
    page.get_by_role("button", name="Save the new contact rules").click()
    expect(page.get_by_text("We will only contact you in the new ways")).to_be_visible()
    with live_app.app_context():
        report = db.session.scalar(select(Report))
        assert report.answers["impact"]["details"] == "I no longer go to the gym"
        assert db.session.scalar(select(Incident)).description == "A parcel left on my doorstep"
        contact = db.session.scalars(select(ReportUpdate)).all()[-1].answers["contact"]
        assert contact["ways"] == ["letter"] and contact["safe_times"] == "Evenings only"
        db.session.remove()
    second.close()


def test_timeout_warning_dialog_appears_and_continue_keeps_the_answers(browser, site, live_app, axe_check):
    live_app.config["DRAFT_IDLE_MINUTES"] = 0.1  # 6 seconds: the warning shows at half-time
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(site + "/report/start")
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        dialog = page.get_by_role("dialog", name="We will delete your answers soon")
        dialog.wait_for(state="visible", timeout=10_000)
        axe_check(page, "timeout dialog")
        dialog.get_by_role("button", name="Continue with my report").click()
        assert not dialog.is_visible()
        page.reload()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Staying safe")
        # Left alone, the page goes to the timed-out page and the answers are gone.
        page.wait_for_url(re.compile(r"/report/timed-out$"), timeout=15_000)
        assert page.get_by_role("heading", level=1).inner_text() == "We deleted your answers to keep you safe"
        context.close()
    finally:
        live_app.config["DRAFT_IDLE_MINUTES"] = 30


def test_timeout_warning_save_keeps_what_was_just_typed(browser, site, live_app, axe_check, screenshot):
    live_app.config["DRAFT_IDLE_MINUTES"] = 0.1  # 6 seconds: the warning shows at half-time
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(site + "/report/start")
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.goto(site + "/report/impact")
        page.get_by_label("Tell us more about how it has affected you").fill("Typed just before the warning")
        dialog = page.get_by_role("dialog", name="We will delete your answers soon")
        dialog.wait_for(state="visible", timeout=10_000)
        screenshot(page, "journey-timeout-dialog-desktop")
        dialog.get_by_role("button", name="Save and come back later").click()
        page.wait_for_url(re.compile(r"/report/save"))
        assert page.get_by_role("heading", level=1).inner_text().startswith("Save your answers")
        with live_app.app_context():
            assert db.session.scalar(select(Draft)).answers["impact"]["details"] == "Typed just before the warning"
            db.session.remove()
        context.close()
    finally:
        live_app.config["DRAFT_IDLE_MINUTES"] = 30


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_someone_reporting_for_a_friend(browser, site, live_app, axe_check, screenshot, width):
    tag = "desktop" if width == 1280 else "320px"
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/report/start")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I am reporting for someone else").check()
    page.get_by_label("Who are you to the person it is happening to?").fill("Her sister")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "About you, the person reporting"
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))  # waits for the page the click loads
    axe_check(page, f"reporter details error ({tag})")
    page.get_by_label("Your name").fill("Ann Jones")
    page.get_by_label("A phone number that is safe for us to call you on").fill("07700 900555")
    page.get_by_role("group", name="Does the person it is happening to know you are reporting?") \
        .get_by_label("No", exact=True).check()
    axe_check(page, f"reporter details ({tag})")
    screenshot(page, f"journey-reporter-details-{tag}")
    page.get_by_role("button", name="Continue").click()
    page.goto(site + "/report/about-you")
    assert page.get_by_role("heading", level=1).inner_text() == "About the person it is happening to"
    page.get_by_label("Their full name").fill("Beth Jones")
    axe_check(page, f"about them ({tag})")
    screenshot(page, f"journey-about-them-{tag}")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Contacting them safely"
    axe_check(page, f"contact them ({tag})")
    page.goto(site + "/report/check-answers")
    expect(page.get_by_text("Ann Jones")).to_be_visible()
    expect(page.get_by_text("Beth Jones")).to_be_visible()
    axe_check(page, f"check answers third party ({tag})")
    screenshot(page, f"journey-check-answers-third-party-{tag}")
    with live_app.app_context():
        reporter = db.session.scalar(select(Draft)).answers["reporter"]
        assert reporter["name"] == "Ann Jones" and reporter["victim_knows"] == "no"
        db.session.remove()
    context.close()
