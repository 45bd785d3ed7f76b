"""The Actor behind the current request, for services and the audit trail."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.services.actor import Actor


def client_ip() -> str | None:
    """The client's address as the (trusted) proxy set-up gives it."""
    return request.remote_addr


def current_actor() -> Actor:
    """The signed-in staff member, with the address they act from."""
    if not current_user.is_authenticated:
        return Actor.anonymous(client_ip())
    return Actor.staff(current_user._get_current_object(), client_ip())


def sign_in_attempt() -> Actor:
    """Someone trying to sign in: not yet anyone, but their address is kept for the lockout trail."""
    return Actor.anonymous(client_ip())
