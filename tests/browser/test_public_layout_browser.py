"""The public layout in a real browser: axe-clean, exit control, helplines, phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

PUBLIC_PAGES = ["/", "/privacy", "/accessibility", "/cookies", "/no-such-page"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_axe_clean_at_desktop_width(page, site, axe_check, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + path)
    axe_check(page, path)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_axe_clean_and_reflow_at_320px(phone_page, site, axe_check, path):
    phone_page.goto(site + path)
    axe_check(phone_page, path)
    # No horizontal scrolling at 320 px (WCAG 1.4.10 reflow).
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_axe_scan_really_runs(page, site, axe_check):
    # A deliberately broken page must fail the scan, or the clean results above mean nothing.
    page.goto(site + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page, "broken page")


def test_start_page_shows_exit_control_and_helplines(page, site, screenshot):
    page.goto(site + "/")
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    expect(exit_button).to_be_visible()
    assert page.get_by_role("link", name="999").first.get_attribute("href") == "tel:999"
    for number, tel in [("0808 802 0300", "tel:08088020300"), ("020 3866 4107", "tel:02038664107"), ("101", "tel:101")]:
        assert page.get_by_role("link", name=number).first.get_attribute("href") == tel
    expect(page.get_by_text("press 55").first).to_be_visible()
    screenshot(page, "start-desktop")


def test_start_page_at_phone_width(phone_page, site, screenshot):
    phone_page.goto(site + "/")
    expect(phone_page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    screenshot(phone_page, "start-320px")


def test_exit_button_leaves_for_the_neutral_site_without_a_referrer(page, site, neutral_site):
    page.goto(site + "/privacy")
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(neutral_site)
    assert page.evaluate("document.referrer") == ""
    assert page.context.cookies(site) == []


def test_shift_three_times_exits(page, site, neutral_site):
    page.goto(site + "/")
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral_site, timeout=10_000)


def test_exit_works_without_javascript(browser, site, neutral_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(neutral_site)
    context.close()


def test_keyboard_only_skip_links_then_exit(page, site, neutral_site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Exit this page"
    page.keyboard.press("Enter")
    page.wait_for_url(neutral_site)


def test_keyboard_only_reaches_start_now(page, site):
    page.goto(site + "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Start now":
            break
    else:
        raise AssertionError("Start now cannot be reached with the keyboard")
    # A visible focus indicator: GOV.UK's yellow focus colour.
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") in (
        "rgb(255, 221, 0)", "rgb(0, 120, 60)")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != site + "/")


def test_back_after_exit_shows_no_answers(page, site, neutral_site):
    page.goto(site + "/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # staying safe
    page.get_by_label("It is happening to me").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("So many times I have lost count").check()
    page.get_by_role("button", name="Exit this page").first.click()
    page.wait_for_url(neutral_site)

    # Back through every page the person saw: none may show an answer they gave.
    for _ in range(4):
        page.go_back()
        page.wait_for_load_state()
        if not page.url.startswith(site):
            break
        # Pages re-fetch (no-store, no session) and the browser restores no form state (autocomplete off).
        assert page.locator("input:checked").count() == 0, f"an answer is showing again on {page.url}"
