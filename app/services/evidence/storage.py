"""Where sealed evidence chunks are kept: the database (shared by every host) or a file under UPLOAD_DIR.

The database store writes each sealed chunk as an `evidence_chunk` row in the same transaction as the
file's row, so a report and its evidence commit, back up (pg_dump) and restore together, and any host
serves any file. It is the default on PostgreSQL. The filesystem store keeps one sealed file per upload
under UPLOAD_DIR (outside the web root): the embedded default on SQLite, for one host. EVIDENCE_STORAGE
chooses. Either way chunks are written and read one at a time.

The functions take the executor to run statements on (the app's session, or a migration's connection).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from flask import current_app
from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.orm import Session, scoped_session

from app.extensions import db
from app.models import EvidenceChunk, EvidenceStore
from app.services.evidence.sealing import SEALED_CHUNK_MAX, SealError

# The app's scoped session (Flask-SQLAlchemy's Session subclass), a plain Session, or a migration's connection.
Executor = Session | Connection | scoped_session[Any]
CHUNKS = cast(Table, EvidenceChunk.__table__)
_STORAGE_KEY = re.compile(r"[0-9a-f]{16,100}")
_LENGTH_BYTES = 4


class StoredBytesMissing(Exception):
    """A file's stored bytes are not where its row says (deleted by hand, or never written)."""


def configured_store() -> EvidenceStore:
    """The store new files go to: EVIDENCE_STORAGE, else the database on PostgreSQL and files on SQLite."""
    setting = current_app.config.get("EVIDENCE_STORAGE")
    if setting:
        return EvidenceStore(setting)
    return EvidenceStore.DATABASE if db.engine.dialect.name == "postgresql" else EvidenceStore.FILESYSTEM


def write(store: EvidenceStore, executor: Executor, file_id: int, storage_key: str, sealed: Iterable[bytes]) -> int:
    """Store a file's sealed chunks as they come; returns how many were written."""
    if store is EvidenceStore.DATABASE:
        count = 0
        for seq, chunk in enumerate(sealed):
            executor.execute(insert(CHUNKS), {"file_id": file_id, "seq": seq, "data": chunk})
            count = seq + 1
        return count
    return _write_file(file_path(storage_key), sealed)


def read(store: EvidenceStore, executor: Executor, file_id: int, storage_key: str) -> Iterator[bytes]:
    """A file's sealed chunks in order, fetched one at a time."""
    if store is EvidenceStore.DATABASE:
        return _read_rows(executor, file_id)
    path = existing_file(storage_key)
    if path is None:
        raise StoredBytesMissing(storage_key)
    return _read_file(path)


def exists(store: EvidenceStore, executor: Executor, file_id: int, storage_key: str) -> bool:
    """Whether a file's bytes are stored (its first chunk, or its sealed file, is there)."""
    if store is EvidenceStore.DATABASE:
        first = select(func.count()).select_from(CHUNKS).where(CHUNKS.c.file_id == file_id, CHUNKS.c.seq == 0)
        return bool(executor.execute(first).scalar())
    return existing_file(storage_key) is not None


def delete_now(store: EvidenceStore, executor: Executor, file_id: int, storage_key: str) -> None:
    """Delete a file's bytes: database chunks within the current transaction, a sealed file at once."""
    if store is EvidenceStore.DATABASE:
        executor.execute(delete(CHUNKS).where(CHUNKS.c.file_id == file_id))
    else:
        remove_file(storage_key)


def _read_rows(executor: Executor, file_id: int) -> Iterator[bytes]:
    # One row per query: a 20 MB file is 40 small reads, never one 20 MB result.
    seq = 0
    while True:
        data = executor.execute(select(CHUNKS.c.data).where(CHUNKS.c.file_id == file_id, CHUNKS.c.seq == seq)).scalar()
        if data is None:
            if seq == 0:
                raise StoredBytesMissing(str(file_id))
            return  # the reader finds out whether the last chunk read was marked last
        yield bytes(data)
        seq += 1


def file_path(storage_key: str) -> Path:
    """Where the filesystem store keeps a file (a key that could lead anywhere else is refused)."""
    # Keys are ours (token_hex), but a row could be altered: never let one name a path outside the store.
    if not _STORAGE_KEY.fullmatch(storage_key or ""):
        raise StoredBytesMissing("malformed storage key")
    return Path(current_app.config["UPLOAD_DIR"]) / storage_key[:2] / f"{storage_key}.sealed"


def plain_file_path(storage_key: str) -> Path:
    """Where files were kept in clear before migration 0007 sealed them (the migration reads them there)."""
    return Path(current_app.config["UPLOAD_DIR"]) / storage_key[:2] / storage_key


def existing_file(storage_key: str) -> Path | None:
    """A stored file's path if it is a real file inside UPLOAD_DIR, else None."""
    try:
        path = file_path(storage_key)
    except StoredBytesMissing:
        return None
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def remove_file(storage_key: str) -> None:
    """Delete a sealed file and any half-written copy; a file already gone is fine."""
    try:
        path = file_path(storage_key)
    except StoredBytesMissing:
        return
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".part").unlink(missing_ok=True)


def _write_file(path: Path, sealed: Iterable[bytes]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    count = 0
    # Owner-only, written aside and renamed when whole and on disk: a crash never leaves half a file in place.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in sealed:
            handle.write(len(chunk).to_bytes(_LENGTH_BYTES, "big"))
            handle.write(chunk)
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return count


def _read_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while True:
            header = handle.read(_LENGTH_BYTES)
            if not header:
                return
            size = int.from_bytes(header, "big")
            if len(header) < _LENGTH_BYTES or size > SEALED_CHUNK_MAX:
                raise SealError("the stored file is damaged")
            chunk = handle.read(size)
            if len(chunk) != size:
                raise SealError("the stored file is cut short")
            yield chunk
