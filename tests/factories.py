"""Plain factory functions for test data: keyword-only, sensible defaults, unique values."""

from __future__ import annotations

import itertools
import secrets

from app.extensions import db
from app.models import Channel, Report, Role, StaffUser
from app.services.passwords import hash_password

_counter = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = None


def make_staff(*, role: Role = Role.CALL_HANDLER, name: str | None = None, email: str | None = None,
               password: str = DEFAULT_PASSWORD, is_veo: bool = False, **fields) -> StaffUser:
    global _PASSWORD_HASH
    n = next(_counter)
    if password == DEFAULT_PASSWORD:
        # argon2 is deliberately slow: hash the common test password once.
        _PASSWORD_HASH = _PASSWORD_HASH or hash_password(DEFAULT_PASSWORD)
        password_hash = _PASSWORD_HASH
    else:
        password_hash = hash_password(password)
    fields.setdefault("must_change_password", False)
    user = StaffUser(name=name or f"Staff {n}", email=email or f"staff{n}-{secrets.token_hex(3)}@example.police.uk",
                     role=role, is_veo=is_veo, password_hash=password_hash, **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_report(*, channel: Channel = Channel.ONLINE, answers: dict | None = None, **fields) -> Report:
    from app.domain.reference import new_reference

    report = Report(reference=fields.pop("reference", None) or new_reference(), channel=channel,
                    answers=answers or {}, **fields)
    db.session.add(report)
    db.session.commit()
    return report


def as_actor(user: StaffUser):
    """A staff member as the Actor services take (the web layer builds it from the signed-in user)."""
    from app.services.actor import Actor

    return Actor.staff(user)
