"""Staff sign-in: password plus TOTP, enrolment, lockout, rate limits, idle timeout, sign out, passwords."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, StaffUser
from app.models.types import utcnow
from app.services.auth import SIGN_IN_FAILED
from app.services.passwords import verify_password
from tests.factories import DEFAULT_PASSWORD, make_staff
from tests.staff_fixtures import csrf_token, current_code, make_enrolled_staff, next_code, sign_in

pytestmark = pytest.mark.usefixtures("reset_rate_limits")
MESSAGE = SIGN_IN_FAILED.replace("'", "&#39;")


def _signed_in(client) -> bool:
    return client.get("/staff").status_code == 200


def test_sign_in_with_password_and_second_factor(client):
    user = make_enrolled_staff(role=Role.CALL_HANDLER, name="Alex Morgan")

    response = sign_in(client, user)

    assert response.status_code == 302 and response.headers["Location"] == "/staff"
    home = client.get("/staff")
    assert home.status_code == 200 and "Signed in as Alex Morgan" in home.get_data(as_text=True)
    assert home.headers["Cache-Control"].startswith("no-store")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == user.id)).all()
    assert "auth.sign_in" in actions


def test_without_the_second_factor_there_is_no_sign_in(client):
    user = make_enrolled_staff()

    response = sign_in(client, user, code="")

    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)
    assert not _signed_in(client)


@pytest.mark.parametrize("wrong", ["password", "code", "email", "inactive"])
def test_every_failure_gives_the_same_message(client, wrong):
    user = make_enrolled_staff(active=wrong != "inactive")
    if wrong == "email":
        user = SimpleNamespace(email="nobody@example.police.uk", totp_secret=user.totp_secret)  # no such account
    body = sign_in(client, user, password="wrong password" if wrong == "password" else DEFAULT_PASSWORD,
                   code="000000" if wrong == "code" else None).get_data(as_text=True)

    assert MESSAGE in body and body.count(MESSAGE) == 2  # the summary and the field; nothing more specific
    assert "<title>Error: Sign in" in body
    assert not _signed_in(client)


def test_a_code_cannot_be_replayed(client, app_ctx):
    user = make_enrolled_staff()
    code = current_code(user.totp_secret)
    assert sign_in(client, user, code=code).status_code == 302
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/sign-out")})

    assert sign_in(client, user, code=code).status_code == 200
    assert sign_in(client, user, code=next_code(user.totp_secret)).status_code == 302


def test_first_sign_in_sets_up_the_authenticator_then_forces_a_new_password(client):
    user = make_staff(role=Role.OFFICER, must_change_password=True)

    response = sign_in(client, user, code="")
    assert response.headers["Location"] == "/staff/set-up-authenticator"
    page = client.get("/staff/set-up-authenticator").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code is made here, not by a third party
    db.session.expire_all()
    secret = db.session.get(StaffUser, user.id).totp_secret
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    assert not _signed_in(client)

    wrong = client.post("/staff/set-up-authenticator", data={
        "csrf_token": csrf_token(client, "/staff/set-up-authenticator"), "code": "123456"})
    assert "Enter the 6-digit code your authenticator app shows now" in wrong.get_data(as_text=True)

    right = client.post("/staff/set-up-authenticator", data={
        "csrf_token": csrf_token(client, "/staff/set-up-authenticator"), "code": pyotp.TOTP(secret).now()})
    assert right.headers["Location"] == "/staff"
    assert client.get("/staff").headers["Location"] == "/staff/change-password"

    changed = client.post("/staff/change-password", data={
        "csrf_token": csrf_token(client, "/staff/change-password"), "current_password": DEFAULT_PASSWORD,
        "new_password": "a brand new passphrase", "confirm_password": "a brand new passphrase"})
    assert changed.headers["Location"] == "/staff"
    assert _signed_in(client)
    db.session.expire_all()
    stored = db.session.get(StaffUser, user.id)
    assert stored.totp_confirmed and not stored.must_change_password
    assert verify_password(stored.password_hash, "a brand new passphrase")


def test_enrolment_page_needs_a_correct_password_first(client):
    assert client.get("/staff/set-up-authenticator").headers["Location"] == "/staff/sign-in"


def test_account_locks_after_repeated_failures_and_unlocks_later(client, app_ctx):
    user = make_enrolled_staff()
    attempts = app_ctx.config["STAFF_LOCKOUT_ATTEMPTS"]
    for _ in range(attempts):
        sign_in(client, user, password="wrong password")

    db.session.expire_all()
    locked_until = db.session.get(StaffUser, user.id).locked_until
    assert locked_until is not None and locked_until > utcnow() + timedelta(minutes=14)
    # The right details are refused while locked, with the same message.
    refused = sign_in(client, user)
    assert refused.status_code == 200 and MESSAGE in refused.get_data(as_text=True)

    stored = db.session.get(StaffUser, user.id)
    stored.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, user, code=next_code(user.totp_secret)).status_code == 302


def test_failures_are_rate_limited_per_account(client, app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "STAFF_LOCKOUT_ATTEMPTS", 100)
    monkeypatch.setitem(app_ctx.config, "STAFF_SIGNIN_LIMIT_PER_ACCOUNT", "3 per minute")
    user, other = make_enrolled_staff(), make_enrolled_staff()
    statuses = [sign_in(client, user, password="wrong password").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert sign_in(client, other).status_code == 302  # another account is not held up


def test_failures_are_rate_limited_per_client(client, app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "STAFF_SIGNIN_LIMIT_PER_CLIENT", "3 per minute")
    users = [make_enrolled_staff() for _ in range(4)]
    statuses = [sign_in(client, user, password="wrong password").status_code for user in users]

    assert statuses == [200, 200, 200, 429]


def test_successful_sign_ins_do_not_use_up_the_limit(client, app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "STAFF_SIGNIN_LIMIT_PER_CLIENT", "2 per minute")
    for _ in range(3):
        user = make_enrolled_staff()
        assert sign_in(client, user).status_code == 302
        client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/sign-out")})


def test_idle_timeout_signs_out(client, app_ctx):
    user = make_enrolled_staff()
    sign_in(client, user)
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - app_ctx.config["STAFF_IDLE_MINUTES"] * 60 + 30
    assert _signed_in(client)  # 14.5 minutes idle: still signed in, and the clock restarts

    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - app_ctx.config["STAFF_IDLE_MINUTES"] * 60 - 1
    response = client.get("/staff/triage")
    assert response.headers["Location"] == "/staff/sign-in"
    page = client.get("/staff/sign-in").get_data(as_text=True)
    assert "You were signed out because you had not done anything for a while" in page
    assert not _signed_in(client)


def test_staff_pages_warn_before_the_idle_timeout_and_keep_alive_restarts_the_clock(client, app_ctx):
    user = make_enrolled_staff()
    sign_in(client, user)
    page = client.get("/staff").get_data(as_text=True)
    assert 'id="force-timeout"' in page
    assert f'data-idle-seconds="{app_ctx.config["STAFF_IDLE_MINUTES"] * 60}"' in page
    assert "Stay signed in" in page and "js/timeout.js" in page

    nearly_idle = int(time.time()) - app_ctx.config["STAFF_IDLE_MINUTES"] * 60 + 30
    with client.session_transaction() as session:
        session["staff_seen"] = nearly_idle
    response = client.post("/staff/keep-alive", headers={"X-CSRFToken": csrf_token(client, "/staff")})
    assert response.status_code == 204
    with client.session_transaction() as session:
        assert session["staff_seen"] > nearly_idle


def test_sign_in_page_has_no_timeout_dialog(client):
    assert 'id="force-timeout"' not in client.get("/staff/sign-in").get_data(as_text=True)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client):
    user = make_enrolled_staff()
    sign_in(client, user)
    with client.session_transaction() as session:
        copied = dict(session)

    response = client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/sign-out")})
    assert response.headers["Location"] == "/staff/sign-in"
    assert "You have signed out" in client.get("/staff/sign-in").get_data(as_text=True)
    assert not _signed_in(client)

    with client.session_transaction() as session:
        session.update(copied)
    assert not _signed_in(client)


def test_change_password_checks_the_current_one_and_the_new_one(client):
    user = make_enrolled_staff()
    sign_in(client, user)

    def change(current, new, confirm):
        return client.post("/staff/change-password", data={
            "csrf_token": csrf_token(client, "/staff/change-password"), "current_password": current,
            "new_password": new, "confirm_password": confirm})

    def error(*args):
        return change(*args).get_data(as_text=True)

    assert "Your current password is not right" in error("nope", "long enough password", "long enough password")
    assert "Password must be 12 characters or more" in error(DEFAULT_PASSWORD, "short", "short")
    assert "The passwords do not match" in error(DEFAULT_PASSWORD, "long enough password", "different password")
    assert "must be different" in error(DEFAULT_PASSWORD, DEFAULT_PASSWORD, DEFAULT_PASSWORD)
    assert change(DEFAULT_PASSWORD, "long enough password", "long enough password").status_code == 302
    assert "Your password has been changed" in client.get("/staff").get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(StaffUser, user.id).password_hash, "long enough password")


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client):
    user = make_enrolled_staff()
    redirect_to_sign_in = client.get("/staff/triage")
    assert redirect_to_sign_in.headers["Location"].startswith("/staff/sign-in?next=")

    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in?next=//evil.example/x", data={
        "csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD, "code": current_code(user.totp_secret)})
    assert response.headers["Location"] == "/staff"
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/sign-out")})

    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in?next=/staff/triage", data={
        "csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD, "code": next_code(user.totp_secret)})
    assert response.headers["Location"] == "/staff/triage"
