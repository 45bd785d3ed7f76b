"""Signing staff in for tests, through the real sign-in page and a real TOTP code (pyotp).

Use from any test package:

    from tests.staff_fixtures import login_as  # noqa: F401  (a pytest fixture)

    def test_something(login_as, client):
        user = login_as(Role.OFFICER, is_veo=True)   # signed in on `client`

Browser tests: `staff_user = make_enrolled_staff(role=...)` inside `live_app.app_context()`, then
`browser_sign_in(page, site, staff_user)`.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from app.extensions import limiter
from app.models import Role, StaffUser
from tests.factories import DEFAULT_PASSWORD, make_staff

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_enrolled_staff(*, role: Role = Role.CALL_HANDLER, **fields) -> StaffUser:
    """A staff account with a confirmed authenticator (secret in `totp_secret`) and its own password set."""
    fields.setdefault("totp_secret", pyotp.random_base32())
    fields.setdefault("totp_confirmed", True)
    return make_staff(role=role, **fields)




def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on a page (the session keeps the matching secret)."""
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def current_code(secret: str) -> str:
    """The TOTP code an authenticator app would show now."""
    return pyotp.TOTP(secret).now()


def next_code(secret: str) -> str:
    """The code for the next time step (accepted: one step of clock drift), for a second sign-in in one step."""
    return pyotp.TOTP(secret).at(int(time.time()) + 30)


def sign_in(client, user: StaffUser, *, password: str = DEFAULT_PASSWORD, code: str | None = None):
    """Post the sign-in form as a person would; returns the response (a redirect on success)."""
    token = csrf_token(client, "/staff/sign-in")
    return client.post("/staff/sign-in", data={
        "csrf_token": token, "email": user.email, "password": password,
        "code": current_code(user.totp_secret) if code is None else code,
    })


@pytest.fixture
def reset_rate_limits(app_ctx):
    """Start each staff test with empty rate-limit counters (the limiter's memory store outlives a test)."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def login_as(client, reset_rate_limits):
    """Sign `client` in as a new enrolled staff member of a role; returns the StaffUser."""

    def _login(role: Role = Role.CALL_HANDLER, **fields) -> StaffUser:
        user = make_enrolled_staff(role=role, **fields)
        response = sign_in(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


def browser_sign_in(page, base_url: str, user: StaffUser, *, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in through the real page in a browser, by visible labels, with the current TOTP code."""
    page.goto(f"{base_url}/staff/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Security code").fill(current_code(user.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/staff/sign-in" not in url)
