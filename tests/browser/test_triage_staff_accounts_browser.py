"""Staff accounts in a real browser: an admin creates an account; its owner sets up TOTP from the QR page's key
and chooses a password. Every page axe-clean."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pyotp
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role
from tests.staff_fixtures import browser_sign_in, make_enrolled_staff


def test_admin_creates_staff_who_then_enrols_a_second_factor(page, browser, site, live_app, axe_check, screenshot):
    with live_app.app_context():
        user = make_enrolled_staff(role=Role.ADMIN, name="Ada Admin")
        admin = SimpleNamespace(email=user.email, totp_secret=user.totp_secret)
        db.session.remove()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, site, admin)
    page.get_by_role("link", name="Staff accounts").first.click()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    axe_check(page, "staff accounts")

    page.get_by_role("button", name="Create a staff account").click()
    expect(page.get_by_role("heading", name="Create a staff account")).to_be_visible()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile(r"^Error: Create a staff account"))
    axe_check(page, "create staff with errors")
    page.get_by_label("Full name").fill("Nia Newstarter")
    page.get_by_label("Email address").fill("nia.newstarter@example.police.uk")
    page.get_by_label("Call handler").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Staff account created")).to_be_visible()
    axe_check(page, "staff created")
    password = page.get_by_test_id("one-time-password").inner_text()

    context = browser.new_context(viewport={"width": 320, "height": 800})
    newcomer = context.new_page()
    newcomer.goto(f"{site}/staff/sign-in")
    newcomer.get_by_label("Email address").fill("nia.newstarter@example.police.uk")
    newcomer.get_by_label("Password", exact=True).fill(password)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(newcomer.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    axe_check(newcomer, "set up authenticator at 320px")
    screenshot(newcomer, "set-up-authenticator-320px")
    secret = newcomer.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    newcomer.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    newcomer.get_by_role("button", name="Continue").click()

    expect(newcomer.get_by_role("heading", name="Change your password")).to_be_visible()
    axe_check(newcomer, "forced password change at 320px")
    newcomer.get_by_label("Current password").fill(password)
    newcomer.get_by_label("New password", exact=True).fill("my own long passphrase")
    newcomer.get_by_label("Confirm new password").fill("my own long passphrase")
    newcomer.get_by_role("button", name="Change password").click()
    expect(newcomer.get_by_text("Your password has been changed")).to_be_visible()
    expect(newcomer.get_by_text("Signed in as Nia Newstarter")).to_be_visible()
    context.close()

    page.goto(f"{site}/staff/admin/staff")
    page.get_by_role("button", name="Reset second factor for Nia Newstarter").click()
    expect(page.get_by_role("heading", name="Second factor reset")).to_be_visible()
    expect(page.get_by_test_id("one-time-password")).not_to_be_empty()
    axe_check(page, "second factor reset")
    page.get_by_role("link", name="Back to staff accounts").click()
    page.get_by_role("button", name="Deactivate Nia Newstarter").click()
    expect(page.get_by_text("Nia Newstarter can no longer sign in")).to_be_visible()
    axe_check(page, "staff accounts after changes")
