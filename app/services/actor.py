"""Who is acting, and from where: the web layer (or a command) builds it; services and the audit trail read it."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Role, StaffUser


@dataclass(frozen=True)
class Actor:
    """A staff member, a victim, or the system, with the client address when there is one to keep."""

    label: str
    staff_id: int | None = None
    role: Role | None = None
    name: str = ""
    client_ip: str | None = None

    @classmethod
    def staff(cls, user: StaffUser, client_ip: str | None = None) -> Actor:
        """A signed-in staff member."""
        return cls(label=f"staff:{user.role}", staff_id=user.id, role=user.role, name=user.name,
                   client_ip=client_ip)

    @classmethod
    def victim(cls) -> Actor:
        """A victim, or someone reporting for them: never their address (data minimisation)."""
        return cls(label="victim")

    @classmethod
    def anonymous(cls, client_ip: str | None = None) -> Actor:
        """Someone not yet signed in (a staff sign-in attempt)."""
        return cls(label="anonymous", client_ip=client_ip)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The portal itself, a command-line task or a scheduled job."""
        return cls(label=label)

    @property
    def is_staff(self) -> bool:
        return self.staff_id is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role is not None and self.role in roles
