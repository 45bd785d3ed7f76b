"""Re-encryption after a key rotation: every sealed value moves onto the key ring's current key, a batch at a time.

A re-encryptor knows how to find values not yet under the current key and how to reseal a batch of them. Every
table with encrypted columns (app/models/encrypted.py) gets one automatically; anything else sealed with the key
ring (stored files, their data keys) registers its own with `register()`. The `flask --app wsgi reencrypt` command
runs them all: each batch is one short transaction that touches at most `limit` rows by primary key, so the app
keeps serving meanwhile, and a run that stops part-way simply continues next time (done rows no longer match).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import LargeBinary, Table, and_, bindparam, func, literal, or_, select, type_coerce, update

from app.crypto import KeyRing, current_keyring
from app.extensions import db
from app.models.encrypted import Encrypted
from app.services import audit
from app.services.actor import Actor
from app.services.errors import NotFound
from app.services.transaction import autocommit


@dataclass(frozen=True)
class Batch:
    """What one batch did: how many rows it resealed, and the cursor to continue from (None when finished)."""

    resealed: int
    next_after: int | None


class Reencryptor(Protocol):
    """Finds values sealed under an older key and reseals them under the current one."""

    name: str

    def pending(self, ring: KeyRing) -> int:
        """How many rows (or files) still hold a value sealed under another key than the current one."""
        ...

    def reseal_batch(self, ring: KeyRing, *, after: int, limit: int) -> Batch:
        """Reseal up to `limit` of them with ids above `after`, in id order, in the caller's transaction."""
        ...


R = TypeVar("R", bound=Reencryptor)
_registered: dict[str, Reencryptor] = {}


def register(reencryptor: R) -> R:
    """Add a re-encryptor for something sealed outside the encrypted columns (e.g. evidence files)."""
    _registered[reencryptor.name] = reencryptor
    return reencryptor


class SealedColumns:
    """The re-encryptor for one table's encrypted columns, found from the models."""

    def __init__(self, table: Table) -> None:
        self.name = table.name
        self.table = table
        self.columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
        self.key = table.c.id
        # Core updates would fire `onupdate` defaults (updated_at): resealing changes nothing a person did.
        self.keep = {c: c for c in table.columns if c.onupdate is not None}

    def _raw(self, column: Any) -> Any:
        return type_coerce(column, LargeBinary)

    def _stale(self, ring: KeyRing) -> Any:
        prefix = ring.current_prefix()
        return or_(*[and_(self._raw(c).is_not(None),
                          func.substr(self._raw(c), 1, len(prefix)) != literal(prefix, LargeBinary))
                     for c in self.columns])

    def pending(self, ring: KeyRing) -> int:
        """Rows with a value under another key."""
        return db.session.scalar(select(func.count()).select_from(self.table).where(self._stale(ring))) or 0

    def reseal_batch(self, ring: KeyRing, *, after: int, limit: int) -> Batch:
        """Reseal the next rows; a row someone changed meanwhile is left alone (they sealed it anew)."""
        rows = db.session.execute(
            select(self.key, *[self._raw(c).label(c.name) for c in self.columns])
            .where(self.key > after, self._stale(ring)).order_by(self.key).limit(limit)
        ).all()
        prefix = ring.current_prefix()
        # Rows grouped by which of their columns need resealing: one UPDATE, run for many rows, per group.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            params: dict[str, Any] = {"_id": row[0]}
            for column in self.columns:
                token = getattr(row, column.name)
                if token is None or bytes(token).startswith(prefix):
                    continue
                assert isinstance(column.type, Encrypted)
                params[f"_old_{column.name}"] = bytes(token)
                params[f"_new_{column.name}"] = ring.reseal(bytes(token), context=column.type.context.encode())
            names = tuple(name[len("_new_"):] for name in params if name.startswith("_new_"))
            if names:
                groups.setdefault(names, []).append(params)
        resealed = 0
        for names, params_list in groups.items():
            statement = (
                update(self.table)
                .where(self.key == bindparam("_id"),
                       *[self._raw(self.table.c[name]) == bindparam(f"_old_{name}", type_=LargeBinary)
                         for name in names])
                .values({**self.keep, **{self.table.c[name]: bindparam(f"_new_{name}", type_=LargeBinary)
                                         for name in names}})
            )
            result = db.session.connection().execute(statement, params_list)
            # The guard makes a changed row match nothing; where the driver cannot count many rows, say attempted.
            counted = result.rowcount if db.engine.dialect.supports_sane_multi_rowcount else -1
            resealed += counted if counted >= 0 else len(params_list)
        return Batch(resealed, rows[-1][0] if len(rows) == limit else None)


def reencryptors() -> list[Reencryptor]:
    """Every re-encryptor: one per table with encrypted columns, then the registered ones."""
    found: list[Reencryptor] = [SealedColumns(table) for table in db.metadata.sorted_tables
                                if any(isinstance(c.type, Encrypted) for c in table.columns)]
    return found + list(_registered.values())


def _find(name: str) -> Reencryptor:
    for reencryptor in reencryptors():
        if reencryptor.name == name:
            return reencryptor
    raise NotFound(f"No re-encryptor named {name!r}")


@autocommit
def reseal_batch(name: str, *, after: int = 0, limit: int = 500) -> Batch:
    """One batch of one re-encryptor, in its own transaction."""
    return _find(name).reseal_batch(current_keyring(), after=after, limit=limit)


def pending() -> dict[str, int]:
    """For each re-encryptor, how many rows still hold a value under another key than the current one."""
    ring = current_keyring()
    return {reencryptor.name: reencryptor.pending(ring) for reencryptor in reencryptors()}


@autocommit
def record_run(actor: Actor, resealed: dict[str, int], left: dict[str, int]) -> None:
    """The audit event for a re-encryption run: counts only, and which key is now current."""
    audit.record(actor, "keys.reencrypted", "key_ring", None, details={
        "current_key": current_keyring().current_id,
        "resealed": {name: count for name, count in resealed.items() if count},
        "left": {name: count for name, count in left.items() if count},
    })
