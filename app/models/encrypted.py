"""Columns stored encrypted at rest: text, JSON and dates sealed by the key ring (app/crypto.py).

Each column is sealed with its own context, "table.column", so a ciphertext copied into another column does not
open. Python sees plain str, dict/list and date values; the database holds only sealed bytes, so nothing may
filter, join or sort on these columns (comparisons raise): matching uses keyed hashes (PersonMatchKey), and the
columns queues need (status, dates, priority) stay clear.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import LargeBinary, Table
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from app.crypto import KeyRing, current_keyring

# Only "is (not) NULL" means anything on a sealed value; every other comparison would silently match nothing.
_ALLOWED_OPERATORS = {operators.is_, operators.is_not}


class EncryptedComparisonError(TypeError):
    """A query compared an encrypted column with a value: sealed values are never equal to anything."""


class Encrypted(TypeDecorator[Any]):
    """Base for sealed columns: subclasses turn their Python value into bytes and back."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    class comparator_factory(TypeDecorator.Comparator):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op not in _ALLOWED_OPERATORS:
                raise EncryptedComparisonError(
                    f"{self.expr} is encrypted: compare keyed hashes or clear columns instead")
            return super().operate(op, *other, **kwargs)

    def to_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def from_bytes(self, raw: bytes) -> Any:
        raise NotImplementedError

    def seal(self, value: Any, ring: KeyRing | None = None) -> bytes | None:
        """The stored form of a Python value (None stays NULL)."""
        if value is None:
            return None
        return (ring or current_keyring()).seal(self.to_bytes(value), context=self.context.encode())

    def unseal(self, token: bytes | None, ring: KeyRing | None = None) -> Any:
        """The Python value of a stored form."""
        if token is None:
            return None
        return self.from_bytes((ring or current_keyring()).open(bytes(token), context=self.context.encode()))

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        return self.seal(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return self.unseal(value)


class EncryptedText(Encrypted):
    """A str, sealed."""

    cache_ok = True  # the context, the only state, is part of the cache key

    def to_bytes(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def from_bytes(self, raw: bytes) -> str:
        return raw.decode("utf-8")


class EncryptedJSON(Encrypted):
    """A JSON document (dict or list), sealed."""

    cache_ok = True  # the context, the only state, is part of the cache key

    def to_bytes(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def from_bytes(self, raw: bytes) -> Any:
        return json.loads(raw.decode("utf-8"))


class EncryptedDate(Encrypted):
    """A date, sealed (as its ISO form)."""

    cache_ok = True  # the context, the only state, is part of the cache key

    def to_bytes(self, value: Any) -> bytes:
        if not isinstance(value, date):
            raise TypeError(f"{self.context} takes a date, not {type(value).__name__}")
        return value.isoformat().encode("ascii")

    def from_bytes(self, raw: bytes) -> date:
        return date.fromisoformat(raw.decode("ascii"))


def encrypted_columns(table: Table) -> list[str]:
    """The names of a table's encrypted columns."""
    return [column.name for column in table.columns if isinstance(column.type, Encrypted)]
