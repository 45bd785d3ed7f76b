"""Evidence uploads: type found from the content, size and count limits, sealed in chunks, scanned for malware.

An upload is read a chunk at a time: the first chunk decides the type (app/domain/evidence_formats.py),
every chunk is counted, hashed and sealed (sealing.py) into the configured store (storage.py) inside the
use case's transaction, then the stored copy is read back, opened and streamed to clamd (scanning.py).
Infected: the upload is refused and nothing of it is kept. Scanner unreachable: the file is kept as "not
yet scanned" and never served until `rescan_pending` passes it. No file is ever whole in memory.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

import app.services.evidence.scanning as scanning
import app.services.evidence.storage as storage
from app.crypto import current_keyring
from app.domain.evidence_formats import HEAD_BYTES, detect_type, text_checker
from app.extensions import db
from app.models import EvidenceFile, EvidenceStore, ScanStatus
from app.models.types import utcnow
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.evidence.sealing import CHUNK_BYTES, SealError, new_data_key, open_chunks, seal_chunks, unwrap
from app.services.transaction import autocommit, on_commit, on_rollback

logger = logging.getLogger(__name__)
MAX_FILE_MB_DEFAULT = 20
MAX_FILES_DEFAULT = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UploadRefused(ServiceError):
    """A file was not accepted; the message says why in words the person can act on."""


class NotScanned(Conflict):
    """The file has not passed a malware scan yet, so it is not served."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_files: int

    @property
    def max_mb(self) -> str:
        return f"{round(self.max_bytes / (1024 * 1024), 2):g}"


def limits() -> Limits:
    """The configured size and count limits."""
    config = current_app.config
    return Limits(int(float(config.get("EVIDENCE_MAX_FILE_MB", MAX_FILE_MB_DEFAULT)) * 1024 * 1024),
                  int(config.get("EVIDENCE_MAX_FILES", MAX_FILES_DEFAULT)))


@dataclass(frozen=True)
class StoredFile:
    """What it takes to read one stored file back, taken while its row was loaded (reads need no row)."""

    file_id: int
    storage_key: str
    store: EvidenceStore
    data_key: bytes
    size: int

    def plain_chunks(self) -> Iterator[bytes]:
        """The file's bytes, opened one chunk at a time as they are read from the store."""
        sealed = storage.read(self.store, db.session, self.file_id, self.storage_key)
        return open_chunks(self.data_key, self.storage_key, sealed)


def count_for(*, draft_id: int | None = None, update_files: int = 0) -> int:
    """How many files a draft already holds."""
    if draft_id is None:
        return update_files
    return db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.draft_id == draft_id)) or 0


def _clean_name(filename: str | None) -> str:
    # Browsers send a bare name, but some old ones send the whole path (either kind of slash).
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    return _CONTROL.sub("", name).strip()[:255] or "file"


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    # A stream may return less than asked before its end; a chunk is full unless the file has ended.
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def store_upload(upload: FileStorage, *, already: int, draft_id: int | None = None,
                 report_id: int | None = None) -> EvidenceFile:
    """Check one uploaded file, seal it into the store and scan it; returns its row (added to the session).

    Call it inside a use case: a refusal raised here rolls back the bytes written so far.
    """
    lim = limits()
    name = _clean_name(upload.filename)
    if already >= lim.max_files:
        raise UploadRefused(f"You can upload up to {lim.max_files} files")
    stream = upload.stream
    head = _read_up_to(stream, CHUNK_BYTES)
    if not head:
        raise UploadRefused(f"{name} is empty")
    content_type = detect_type(head[:HEAD_BYTES])
    wrong_type = UploadRefused(f"{name} must be a photo, video, voice note, PDF, saved email or text file")
    if content_type is None:
        raise wrong_type
    key = secrets.token_hex(24)
    data_key = new_data_key(current_keyring(), key)
    row = EvidenceFile(draft_id=draft_id, report_id=report_id, original_name=name, content_type=content_type,
                       size_bytes=0, sha256="", storage_key=key, store=storage.configured_store(),
                       wrapped_key=data_key.wrapped, key_id=data_key.key_id, scan_status=ScanStatus.PENDING)
    db.session.add(row)
    db.session.flush()
    if row.store is EvidenceStore.FILESYSTEM:
        # Database chunks go with the transaction; a sealed file has to be removed by hand if it does not commit.
        on_rollback(partial(storage.remove_file, key))
    digest = hashlib.sha256()
    size = 0
    still_text = text_checker(content_type, head)

    def checked_chunks() -> Iterator[bytes]:
        nonlocal size
        chunk = head
        while chunk:
            size += len(chunk)
            if size > lim.max_bytes:
                raise UploadRefused(f"{name} must be smaller than {lim.max_mb}MB")
            if still_text is not None and not still_text(chunk):
                raise wrong_type  # a text file that turns into something else further on
            digest.update(chunk)
            yield chunk
            chunk = _read_up_to(stream, CHUNK_BYTES)

    storage.write(row.store, db.session, row.id, key, seal_chunks(data_key.key, key, checked_chunks()))
    row.size_bytes, row.sha256 = size, digest.hexdigest()
    result = scanning.scan(_stored(row, data_key.key).plain_chunks())
    if result.outcome is scanning.Outcome.INFECTED:
        logger.warning("upload refused: the malware scanner found %s", result.signature)
        raise UploadRefused(f"{name} contains a virus, so we have deleted it. Your answers are saved, "
                            "and you can send your report without this file.")
    if result.outcome is scanning.Outcome.CLEAN:
        row.scan_status, row.scanned_at = ScanStatus.CLEAN, utcnow()
    return row


def _stored(row: EvidenceFile, data_key: bytes) -> StoredFile:
    return StoredFile(row.id, row.storage_key, row.store, data_key, row.size_bytes)


def open_stored(row: EvidenceFile) -> StoredFile:
    """A stored file ready to read; NotFound when its bytes are gone or its key does not open."""
    if not storage.exists(row.store, db.session, row.id, row.storage_key):
        raise NotFound("No such evidence file")
    try:
        data_key = unwrap(current_keyring(), row.wrapped_key, row.storage_key)
    except SealError:
        logger.error("evidence file %s: its data key does not open", row.id)
        raise NotFound("No such evidence file") from None
    return _stored(row, data_key)


def servable(row: EvidenceFile) -> StoredFile:
    """A file staff may download: scanned clean and still stored (NotScanned or NotFound otherwise)."""
    if row.scan_status is ScanStatus.INFECTED:
        raise NotFound("No such evidence file")
    if row.scan_status is not ScanStatus.CLEAN:
        raise NotScanned("This file has not been checked for viruses yet, so it cannot be downloaded. "
                         "It will be available once a scan passes.")
    return open_stored(row)


@autocommit
def add_to_draft(draft_id: int, uploads: list[FileStorage]) -> list[EvidenceFile]:
    """Store uploaded files on a draft; all or nothing, so a refusal leaves no half-saved files."""
    already = count_for(draft_id=draft_id)
    rows: list[EvidenceFile] = []
    try:
        for upload in uploads:
            rows.append(store_upload(upload, already=already + len(rows), draft_id=draft_id))
    finally:
        close_all(uploads)
    return rows


@autocommit
def remove_from_draft(draft_id: int, file_id: int) -> None:
    """Remove one of the draft's files."""
    row = db.session.scalar(select(EvidenceFile).where(EvidenceFile.id == file_id, EvidenceFile.draft_id == draft_id))
    if row is None:
        return
    discard([row])
    db.session.delete(row)


def draft_files(draft_id: int) -> list[EvidenceFile]:
    """The draft's files, oldest first."""
    return list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.draft_id == draft_id).order_by(EvidenceFile.id)))


def close_all(uploads: list[FileStorage]) -> None:
    """Close uploaded files now: large ones are spooled to temporary files."""
    for upload in uploads:
        upload.close()


def discard(rows: list[EvidenceFile]) -> None:
    """Delete files' bytes along with their rows: database chunks in this transaction, sealed files once it commits.

    Call it before deleting the rows (or anything that cascades to them): SQLite does not cascade.
    """
    for row in rows:
        if row.store is EvidenceStore.DATABASE:
            storage.delete_now(row.store, db.session, row.id, row.storage_key)
        else:
            # The bytes go once the rows are gone for good: a failed commit must not leave rows without files.
            on_commit(partial(storage.remove_file, row.storage_key))


class Rescan(enum.StrEnum):
    """What rescanning one file did."""

    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"  # the scanner did not answer: the file stays pending
    UNREADABLE = "unreadable"  # its stored bytes are gone or do not open: it stays pending, never served
    SKIPPED = "skipped"  # no longer pending, or another rescan has it


@dataclass(frozen=True)
class RescanSummary:
    counts: dict[Rescan, int]
    still_pending: int
    scanner_available: bool


def rescan_pending(actor: Actor, *, batch: int = 100) -> RescanSummary:
    """Scan every file not yet scanned, one transaction per file; stops at the first scanner outage."""
    counts = dict.fromkeys(Rescan, 0)
    after = 0
    while True:
        ids = list(db.session.scalars(select(EvidenceFile.id).where(
            EvidenceFile.scan_status == ScanStatus.PENDING, EvidenceFile.id > after)
            .order_by(EvidenceFile.id).limit(batch)))
        for file_id in ids:
            outcome = rescan_one(file_id, actor)
            counts[outcome] += 1
            if outcome is Rescan.UNAVAILABLE:
                return RescanSummary(counts, _pending_count(), scanner_available=False)
        if len(ids) < batch:
            return RescanSummary(counts, _pending_count(), scanner_available=True)
        after = ids[-1]


def _pending_count() -> int:
    return db.session.scalar(select(func.count(EvidenceFile.id))
                             .where(EvidenceFile.scan_status == ScanStatus.PENDING)) or 0


@autocommit
def rescan_one(file_id: int, actor: Actor) -> Rescan:
    """Scan one pending file: a clean file becomes servable, an infected one loses its bytes (audited)."""
    # SKIP LOCKED: two rescans started by overlapping cron runs never scan the same file at once.
    row = db.session.scalar(select(EvidenceFile).where(
        EvidenceFile.id == file_id, EvidenceFile.scan_status == ScanStatus.PENDING).with_for_update(skip_locked=True))
    if row is None:
        return Rescan.SKIPPED
    try:
        result = scanning.scan(open_stored(row).plain_chunks())
    except (NotFound, SealError, storage.StoredBytesMissing):
        logger.error("evidence file %s cannot be read back for scanning", file_id)
        return Rescan.UNREADABLE
    if result.outcome is scanning.Outcome.UNAVAILABLE:
        return Rescan.UNAVAILABLE
    row.scanned_at = utcnow()
    if result.outcome is scanning.Outcome.INFECTED:
        discard([row])
        row.scan_status, row.scan_signature = ScanStatus.INFECTED, result.signature
        audit.record(actor, "evidence.infected", "evidence_file", row.id,
                     details={"report_id": row.report_id, "signature": result.signature})
        return Rescan.INFECTED
    row.scan_status = ScanStatus.CLEAN
    return Rescan.CLEAN


def human_size(size: int) -> str:
    """A size in words a person reads easily."""
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)}KB"
    return f"{size / (1024 * 1024):.1f}MB"
