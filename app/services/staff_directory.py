"""Staff as other pages name them: names by id, and the officers work can be given to."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models import Role, StaffUser


def staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Return staff names by id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted)))
    return dict(rows.all())


def active_officers() -> list[StaffUser]:
    """Return the active officers and VEOs a report or case can be assigned to, by name."""
    return list(db.session.scalars(
        select(StaffUser).where(StaffUser.role == Role.OFFICER, StaffUser.active.is_(True)).order_by(StaffUser.name)
    ))
