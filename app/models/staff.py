"""Staff accounts: call handlers, officers (and VEOs), supervisors, admins."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.encrypted import EncryptedText
from app.models.types import UTCDateTime, enum_column, utcnow


class Role(enum.StrEnum):
    CALL_HANDLER = "call_handler"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class StaffUser(UserMixin, Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_veo: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Sealed: a copy of the database must not let anyone make this person's security codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("staff_user.totp_secret"))
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set for accounts whose password someone else chose (demo accounts, admin resets).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A random token the signed-in session must carry; changing it signs out every session.
    session_token: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so a code seen over a shoulder cannot be replayed.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"
