"""Command-line tasks: create-staff and the development demo accounts."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, StaffUser
from app.services.passwords import verify_password


def test_create_staff_prompts_for_password_and_never_echoes_it(app_ctx):
    runner = app_ctx.test_cli_runner()
    result = runner.invoke(args=["create-staff", "--name", "Asha Patel", "--email", "Asha.Patel@Example.police.uk",
                                 "--role", "officer", "--veo"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    user = db.session.scalar(select(StaffUser))
    assert user.email == "asha.patel@example.police.uk"
    assert user.role is Role.OFFICER and user.is_veo
    assert verify_password(user.password_hash, "a long enough password")
    assert db.session.scalar(select(AuditEvent.action)) == "staff.create"


def test_create_staff_rejects_short_password_and_duplicates(app_ctx):
    runner = app_ctx.test_cli_runner()
    args = ["create-staff", "--name", "A B", "--email", "a@example.police.uk", "--role", "admin"]
    result = runner.invoke(args=args, input="short\nshort\n")
    assert result.exit_code != 0 and "12 characters" in result.output
    assert runner.invoke(args=args, input="long enough password\nlong enough password\n").exit_code == 0
    again = runner.invoke(args=args, input="long enough password\nlong enough password\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_staff_rejects_bad_email(app_ctx):
    result = app_ctx.test_cli_runner().invoke(
        args=["create-staff", "--name", "A B", "--email", "not-an-email", "--role", "admin"],
        input="long enough password\nlong enough password\n")
    assert result.exit_code != 0 and "correct format" in result.output


def test_demo_staff_only_in_development(app_ctx):
    app_ctx.config["CREATE_DEMO_STAFF"] = False
    result = app_ctx.test_cli_runner().invoke(args=["create-demo-staff"])
    assert result.exit_code != 0
    assert db.session.scalar(select(StaffUser)) is None


def test_demo_staff_one_per_role_once(app_ctx):
    app_ctx.config["CREATE_DEMO_STAFF"] = True
    try:
        runner = app_ctx.test_cli_runner()
        first = runner.invoke(args=["create-demo-staff"])
        second = runner.invoke(args=["create-demo-staff"])
    finally:
        app_ctx.config["CREATE_DEMO_STAFF"] = False
    assert first.exit_code == 0
    users = db.session.scalars(select(StaffUser)).all()
    assert {u.role for u in users} == set(Role)
    assert any(u.is_veo for u in users)
    assert all(u.must_change_password for u in users)
    for user in users:
        assert user.email in first.output
    assert "already exist" in second.output
    assert len(db.session.scalars(select(StaffUser)).all()) == len(users)


def test_create_staff_rejects_unknown_role(app_ctx):
    result = app_ctx.test_cli_runner().invoke(
        args=["create-staff", "--name", "A B", "--email", "a@example.police.uk", "--role", "superuser"],
        input="long enough password\nlong enough password\n")
    assert result.exit_code != 0 and "superuser" in result.output
    assert db.session.scalar(select(StaffUser)) is None
