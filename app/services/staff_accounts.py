"""Creating staff accounts, from the command line or the admin screens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, StaffUser
from app.services import audit
from app.services.actor import Actor
from app.services.errors import FieldError
from app.services.passwords import hash_password
from app.services.transaction import autocommit

MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    """Validate an email address's form (no DNS lookup) and return it lower-cased."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise FieldError("email", "Enter an email address in the correct format, like name@example.police.uk") \
            from error


def check_password_strength(password: str, *, field: str = "password") -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(field, f"Password must be {MIN_PASSWORD_LENGTH} characters or more")


@autocommit
def create_staff(actor: Actor, name: str, email: str, role: Role, password: str, *, is_veo: bool = False,
                 must_change_password: bool = True) -> StaffUser:
    """Create one staff account."""
    name = name.strip()
    if not name:
        raise FieldError("name", "Enter the person's name")
    email = normalise_email(email)
    check_password_strength(password)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise FieldError("email", "A staff account with that email address already exists")
    user = StaffUser(name=name, email=email, role=role, is_veo=is_veo and role == Role.OFFICER,
                     password_hash=hash_password(password), must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "staff.create", "staff_user", user.id, details={"role": role.value})
    return user


@dataclass(frozen=True)
class DemoCredential:
    email: str
    role: Role
    password: str


@autocommit
def create_demo_staff() -> list[DemoCredential]:
    """Create one demo account per role when no staff account exists; return their one-time passwords."""
    if db.session.scalar(select(func.count()).select_from(StaffUser)):
        return []
    credentials = []
    demo = [
        ("Demo Call Handler", "call.handler@example.police.uk", Role.CALL_HANDLER, False),
        ("Demo Officer", "officer@example.police.uk", Role.OFFICER, False),
        ("Demo VEO", "veo@example.police.uk", Role.OFFICER, True),
        ("Demo Supervisor", "supervisor@example.police.uk", Role.SUPERVISOR, False),
        ("Demo Admin", "admin@example.police.uk", Role.ADMIN, False),
    ]
    for name, email, role, is_veo in demo:
        password = secrets.token_urlsafe(12)
        create_staff(Actor.system("demo-setup"), name, email, role, password, is_veo=is_veo,
                     must_change_password=True)
        credentials.append(DemoCredential(email, role, password))
    return credentials
