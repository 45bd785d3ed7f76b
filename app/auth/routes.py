"""Sign in, set up the authenticator app, sign out, change password, and the staff home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.auth import bp
from app.auth import session as staff_session
from app.auth.forms import ChangePasswordForm, EnrolForm, SignInForm
from app.extensions import limiter
from app.models import Role
from app.services import auth as auth_service
from app.services.errors import Conflict, FieldError, NotFound
from app.web.actor import current_actor, sign_in_attempt
from app.web.fields import ConfirmForm
from app.web.security import role_required
from app.web.service_calls import add_field_errors

ALL_STAFF = tuple(Role)
_ENROL_KEY = "staff_enrol_user"


def _client_limit() -> str:
    return current_app.config["STAFF_SIGNIN_LIMIT_PER_CLIENT"]


def _account_limit() -> str:
    return current_app.config["STAFF_SIGNIN_LIMIT_PER_ACCOUNT"]


def _account_key() -> str:
    return "sign-in:" + auth_service.normalise_sign_in_email(request.form.get("email"))


def _failed(response) -> bool:
    # Only failed attempts count against the limits: a successful sign-in redirects.
    return request.method == "POST" and response.status_code not in (302, 303)


def _safe_next(target: str | None) -> str | None:
    """A `next` that stays on this site (a path, never another host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def sign_in():
    """Email, password and security code on one page, so a failure never says which was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.staff_home"))
    form = SignInForm()
    reason = session.pop(staff_session.SIGNED_OUT_REASON, None)
    if form.validate_on_submit():
        try:
            outcome = auth_service.authenticate(form.email.data, form.password.data, form.code.data,
                                                client=sign_in_attempt())
        except FieldError as failure:
            # Shown once, in the summary and by the first field; the words cover all three fields.
            add_field_errors(form, failure)
        else:
            next_url = _safe_next(request.args.get("next"))
            if outcome.needs_enrolment:
                session.clear()
                session[_ENROL_KEY] = outcome.user.id
                session["staff_enrol_next"] = next_url
                return redirect(url_for("auth.set_up_authenticator"))
            staff_session.start(outcome.user, outcome.session_token)
            return redirect(next_url or url_for("auth.staff_home"))
    return render_template("auth/sign_in.html", form=form, reason=reason,
                           lockout_attempts=current_app.config["STAFF_LOCKOUT_ATTEMPTS"],
                           lockout_minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])


@bp.route("/set-up-authenticator", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"], deduct_when=_failed)
def set_up_authenticator():
    """First sign-in: scan a QR code (made here) into an authenticator app and prove it works."""
    user_id = session.get(_ENROL_KEY)
    if not user_id:
        return redirect(url_for("auth.sign_in"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            outcome = auth_service.confirm_enrolment(user_id, form.code.data, client=sign_in_attempt())
        except FieldError as failure:
            add_field_errors(form, failure)
        except Conflict:
            session.pop(_ENROL_KEY, None)
            return redirect(url_for("auth.sign_in"))
        else:
            next_url = session.get("staff_enrol_next")
            staff_session.start(outcome.user, outcome.session_token)
            return redirect(next_url or url_for("auth.staff_home"))
    try:
        secret, qr = auth_service.enrolment_details(user_id, current_app.config["FORCE_NAME"])
    except (Conflict, NotFound):
        session.pop(_ENROL_KEY, None)
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_up_authenticator.html", form=form, secret=secret, qr=qr)


@bp.get("")
@role_required(*ALL_STAFF)
def staff_home():
    """The staff home page: what this role can do."""
    return render_template("auth/home.html")


@bp.post("/keep-alive")
@role_required(*ALL_STAFF)
def keep_alive():
    """The timeout dialog's "Stay signed in": any signed-in request resets the idle clock (app.auth.session)."""
    return "", 204


@bp.route("/sign-out", methods=["GET", "POST"])
@role_required(*ALL_STAFF)
def sign_out():
    """Sign out (a button, so a link elsewhere cannot sign anyone out)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        auth_service.sign_out(current_actor())
        staff_session.end("signed_out")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/change-password", methods=["GET", "POST"])
@role_required(*ALL_STAFF)
def change_password():
    """Change your password; required before anything else when someone else chose it."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            token = auth_service.change_password(current_actor(), form.current_password.data,
                                                 form.new_password.data)
        except FieldError as failure:
            add_field_errors(form, failure)
        else:
            session["staff_token"] = token
            flash("Your password has been changed", "success")
            return redirect(url_for("auth.staff_home"))
    return render_template("auth/change_password.html", form=form, forced=current_user.must_change_password)
