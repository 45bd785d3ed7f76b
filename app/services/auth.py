"""Staff sign-in (password plus TOTP), second-factor enrolment, sign-out, passwords and account admin."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Role, StaffUser
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Conflict, FieldError, NotFound
from app.services.passwords import hash_password, verify_password
from app.services.staff_accounts import check_password_strength, create_staff
from app.services.transaction import autocommit

# One message for every failure: it never says whether the email, password or code was wrong,
# or that the account is locked, so it cannot be used to find out which accounts exist.
SIGN_IN_FAILED = "The email address, password or security code is not right. Check them and try again."
TOTP_STEP_SECONDS = 30


class SignInFailed(FieldError):
    """Sign-in refused; the message is always SIGN_IN_FAILED, shown against the first field."""

    keep_changes = True  # failures are counted and audited

    def __init__(self) -> None:
        super().__init__("email", SIGN_IN_FAILED)


@dataclass(frozen=True)
class SignInOutcome:
    """A correct password: either a signed-in session (its token), or enrolment of a second factor still to do."""

    user: StaffUser
    session_token: str | None

    @property
    def needs_enrolment(self) -> bool:
        return self.session_token is None


def normalise_sign_in_email(email: str | None) -> str:
    """The email as accounts store it (lower case, no spaces), without format checks that could leak."""
    return (email or "").strip().lower()


def _matching_step(secret: str, code: str | None, last_step: int | None, now: datetime) -> int | None:
    """The TOTP time step the code belongs to (one step of clock drift allowed), or None; never a replay."""
    code = "".join((code or "").split())
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            return step
    return None


def _fail(user: StaffUser, now: datetime, client: Actor) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    details = {"failures": user.failed_logins}
    if user.failed_logins >= current_app.config["STAFF_LOCKOUT_ATTEMPTS"]:
        user.locked_until = now + timedelta(minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        details["locked"] = True
    audit.record(client, "auth.sign_in_failed", "staff_user", user.id, details=details)


@autocommit
def authenticate(email: str, password: str, code: str | None, *, client: Actor,
                 now: datetime | None = None) -> SignInOutcome:
    """Check email, password and security code in one step; count failures and lock the account after too many."""
    now = now or utcnow()
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_sign_in_email(email)))
    # Always verify a hash, so an unknown email takes as long as a wrong password.
    password_ok = verify_password(user.password_hash if user else None, password or "")
    if user is None or not user.active:
        audit.record(client, "auth.sign_in_failed", "staff_user", user.id if user else None)
        raise SignInFailed
    if user.locked_until is not None and user.locked_until > now:
        audit.record(client, "auth.sign_in_refused_locked", "staff_user", user.id)
        raise SignInFailed
    if not password_ok:
        _fail(user, now, client)
        raise SignInFailed
    if not user.totp_confirmed:
        # First sign-in (or after an admin reset): the password was right; a second factor must be set up now.
        user.failed_logins = 0
        user.locked_until = None
        if not user.totp_secret:
            user.totp_secret = pyotp.random_base32()
        audit.record(client, "auth.enrolment_started", "staff_user", user.id)
        return SignInOutcome(user, None)
    step = _matching_step(user.totp_secret or "", code, user.totp_last_step, now)
    if step is None:
        _fail(user, now, client)
        raise SignInFailed
    user.totp_last_step = step
    token = _start_session(user)
    audit.record(Actor.staff(user, client.client_ip), "auth.sign_in", "staff_user", user.id)
    return SignInOutcome(user, token)


def _start_session(user: StaffUser) -> str:
    user.failed_logins = 0
    user.locked_until = None
    user.session_token = secrets.token_urlsafe(32)
    return user.session_token


def enrolment_details(user_id: int, issuer: str) -> tuple[str, str]:
    """The secret (as text, grouped) and a QR code data: URI made here, never by a third party."""
    user = _get(user_id)
    if user.totp_confirmed or not user.totp_secret:
        raise Conflict("This account already has a second factor")
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=4)
    secret = " ".join(user.totp_secret[i:i + 4] for i in range(0, len(user.totp_secret), 4))
    return secret, qr


@autocommit
def confirm_enrolment(user_id: int, code: str, *, client: Actor, now: datetime | None = None) -> SignInOutcome:
    """Turn on the second factor once the person proves their app makes the right codes: signed in."""
    now = now or utcnow()
    user = _get(user_id)
    if user.totp_confirmed or not user.active:
        raise Conflict("Sign in again")
    step = _matching_step(user.totp_secret or "", code, user.totp_last_step, now)
    if step is None:
        raise FieldError("code", "Enter the 6-digit code your authenticator app shows now")
    user.totp_confirmed = True
    user.totp_last_step = step
    token = _start_session(user)
    actor = Actor.staff(user, client.client_ip)
    audit.record(actor, "auth.enrolment_confirmed", "staff_user", user.id)
    audit.record(actor, "auth.sign_in", "staff_user", user.id)
    return SignInOutcome(user, token)


@autocommit
def sign_out(actor: Actor, *, reason: str = "signed_out") -> None:
    """End every session of this account (the token the sessions carry is replaced)."""
    user = db.session.get(StaffUser, actor.staff_id) if actor.staff_id else None
    if user is None:
        return
    user.session_token = None
    audit.record(actor, f"auth.{reason}", "staff_user", user.id)


@autocommit
def change_password(actor: Actor, current: str, new: str) -> str:
    """Change a password after checking the current one; other sessions end; returns this session's new token."""
    user = _get(actor.staff_id or 0)
    if not verify_password(user.password_hash, current or ""):
        raise FieldError("current_password", "Your current password is not right")
    check_password_strength(new or "", field="new_password")
    if verify_password(user.password_hash, new):
        raise FieldError("new_password", "Your new password must be different from your current password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    token = _start_session(user)
    audit.record(actor, "auth.password_changed", "staff_user", user.id)
    return token


def _get(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("No such staff account")
    return user


# --- Admin screens -------------------------------------------------------------------------------


def list_staff() -> list[StaffUser]:
    """Every staff account, active first, by name."""
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name, StaffUser.id)))


def get_staff(user_id: int) -> StaffUser:
    """One staff account, or NotFound."""
    return _get(user_id)


def admin_create_staff(actor: Actor, name: str, email: str, role: Role, *,
                       is_veo: bool = False) -> tuple[StaffUser, str]:
    """Create an account with a one-time password the person must change at first sign-in."""
    password = secrets.token_urlsafe(12)
    user = create_staff(actor, name, email, role, password, is_veo=is_veo, must_change_password=True)
    return user, password


@autocommit
def deactivate_staff(actor: Actor, user_id: int) -> StaffUser:
    """Stop an account signing in and end its sessions; an admin cannot lock themselves out this way."""
    user = _get(user_id)
    if user.id == actor.staff_id:
        raise Conflict("You cannot deactivate your own account")
    user.active = False
    user.session_token = None
    audit.record(actor, "staff.deactivate", "staff_user", user.id)
    return user


@autocommit
def reset_second_factor(actor: Actor, user_id: int) -> tuple[StaffUser, str]:
    """Forget an account's authenticator and its password (a reset often follows a lost or stolen phone).

    The person signs in with the new one-time password, sets up a new authenticator and chooses a password.
    """
    user = _get(user_id)
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = None
    user.session_token = None
    audit.record(actor, "staff.reset_second_factor", "staff_user", user.id)
    return user, password
