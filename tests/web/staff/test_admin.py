"""Admin screens: create staff, deactivate them, reset their second factor."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, StaffUser
from app.services.passwords import verify_password
from tests.staff_fixtures import csrf_token, make_enrolled_staff, sign_in


def test_admin_creates_an_account_with_a_one_time_password(login_as, client):
    login_as(Role.ADMIN)
    token = csrf_token(client, "/staff/admin/staff/new")

    page = client.post("/staff/admin/staff/new", data={
        "csrf_token": token, "name": "Priya Patel", "email": "Priya.Patel@Example.police.uk", "role": "officer",
        "is_veo": "y"}).get_data(as_text=True)

    assert "Staff account created" in page
    password = re.search(r'data-testid="one-time-password">([^<]+)<', page).group(1)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "priya.patel@example.police.uk"))
    assert user.role is Role.OFFICER and user.is_veo and user.must_change_password and not user.totp_confirmed
    assert verify_password(user.password_hash, password)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.record_id == user.id)) == "staff.create"


def test_create_shows_errors_and_keeps_answers(login_as, client):
    admin = login_as(Role.ADMIN)
    token = csrf_token(client, "/staff/admin/staff/new")

    page = client.post("/staff/admin/staff/new", data={"csrf_token": token, "name": "Sam Hill", "email": admin.email,
                                                       "role": "call_handler"}).get_data(as_text=True)

    assert "<title>Error: Create a staff account" in page
    assert "A staff account with that email address already exists" in page
    assert 'value="Sam Hill"' in page
    missing = client.post("/staff/admin/staff/new", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter the person&#39;s full name" in missing and "Select the person&#39;s role" in missing


def test_deactivated_staff_cannot_sign_in_and_lose_their_session(login_as, client, app_ctx):
    login_as(Role.ADMIN)
    victim_client = app_ctx.test_client()
    handler = make_enrolled_staff(role=Role.CALL_HANDLER)
    assert sign_in(victim_client, handler).status_code == 302

    response = client.post(f"/staff/admin/staff/{handler.id}/deactivate",
                           data={"csrf_token": csrf_token(client, "/staff/admin/staff")})

    assert response.headers["Location"] == "/staff/admin/staff"
    assert "can no longer sign in" in client.get("/staff/admin/staff").get_data(as_text=True)
    assert victim_client.get("/staff").status_code == 302
    assert sign_in(victim_client, handler).status_code == 200


def test_admin_cannot_deactivate_themselves(login_as, client):
    admin = login_as(Role.ADMIN)
    token = csrf_token(client, "/staff/admin/staff")
    client.post(f"/staff/admin/staff/{admin.id}/deactivate", data={"csrf_token": token})
    assert "You cannot deactivate your own account" in client.get("/staff/admin/staff").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StaffUser, admin.id).active


def test_reset_second_factor_means_setting_it_up_again(login_as, client, app_ctx):
    login_as(Role.ADMIN)
    officer = make_enrolled_staff(role=Role.OFFICER)

    page = client.post(f"/staff/admin/staff/{officer.id}/reset-second-factor",
                       data={"csrf_token": csrf_token(client, "/staff/admin/staff")}).get_data(as_text=True)
    one_time = re.search(r'data-testid="one-time-password">([^<]+)<', page).group(1)

    db.session.expire_all()
    stored = db.session.get(StaffUser, officer.id)
    assert not stored.totp_confirmed and stored.totp_secret is None and stored.must_change_password
    # A reset usually follows a lost or stolen phone: the old password must not open the account either.
    with_old_password = sign_in(app_ctx.test_client(), officer, code="")
    assert "set-up-authenticator" not in (with_old_password.headers.get("Location") or "")
    other = app_ctx.test_client()
    assert sign_in(other, officer, password=one_time, code="").headers["Location"] == "/staff/set-up-authenticator"


def test_unknown_account_is_not_found(login_as, client):
    login_as(Role.ADMIN)
    token = csrf_token(client, "/staff/admin/staff")
    assert client.post("/staff/admin/staff/999999/deactivate", data={"csrf_token": token}).status_code == 404
