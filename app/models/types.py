"""Column helpers shared by the models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

from app.domain import uk_time


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC, from the one clock (app.domain.uk_time)."""
    return uk_time.utcnow()


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            # SQLite drops the offset; every value we store is UTC.
            value = value.replace(tzinfo=UTC)
        return value


def enum_column(cls: type[enum.Enum], length: int = 20) -> Enum:
    """An enum stored as its value in a plain string column (portable; adding a member needs no DDL)."""
    return Enum(cls, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])
