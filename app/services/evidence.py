"""Evidence uploads: type found from the content, size and count limits, stored outside the web root."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import EvidenceFile
from app.services.errors import ServiceError
from app.services.transaction import autocommit, on_commit, on_rollback

MAX_FILE_MB_DEFAULT = 20
MAX_FILES_DEFAULT = 10

# Phone photos (HEIC included), PDFs, video and audio from phones, and saved emails (.eml, checked separately).
ALLOWED_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/bmp", "image/tiff",
    "application/pdf", "video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/webm",
    "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/amr", "audio/ogg", "audio/x-wav",
}
EMAIL_TYPE = "message/rfc822"
_EMAIL_HEADER = re.compile(rb"^(From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version|Delivered-To):",
                           re.IGNORECASE | re.MULTILINE)


class UploadRefused(ServiceError):
    """A file was not accepted; the message says why in words the person can act on."""


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


def detect_type(head: bytes) -> str | None:
    """The content type found from a file's first bytes, or None if it is not one we accept."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = "application/pdf" if kind.mime == "application/pdf" else kind.mime
        return mime if mime in ALLOWED_TYPES else None
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    # A saved email is plain text starting with headers; it must have at least two of them.
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes anything
            return None
    if len(_EMAIL_HEADER.findall(head[:8192])) >= 2:
        return EMAIL_TYPE
    return None


def _storage_path(key: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / key[:2] / key


_STORAGE_KEY = re.compile(r"[0-9a-f]{16,100}")


def stored_path(key: str) -> Path | None:
    """Where a stored file's bytes are, or None when the key is malformed or would lead outside UPLOAD_DIR."""
    # Keys are ours (token_hex), but a row could be altered: never let one name a path outside the store.
    if not _STORAGE_KEY.fullmatch(key or ""):
        return None
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    path = _storage_path(key).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def count_for(*, draft_id: int | None = None, update_files: int = 0) -> int:
    """How many files a draft already holds."""
    if draft_id is None:
        return update_files
    return db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.draft_id == draft_id)) or 0


def check_and_store(upload: FileStorage, *, already: int) -> EvidenceFile:
    """Check one uploaded file (werkzeug FileStorage) and write it to storage; returns an unsaved row."""
    lim = limits()
    name = Path(upload.filename or "file").name[:255] or "file"
    if already >= lim.max_files:
        raise UploadRefused(f"You can upload up to {lim.max_files} files")
    data = upload.stream.read(lim.max_bytes + 1)
    if not data:
        raise UploadRefused(f"{name} is empty")
    if len(data) > lim.max_bytes:
        raise UploadRefused(f"{name} must be smaller than {lim.max_mb}MB")
    content_type = detect_type(data[:8192])
    if content_type is None:
        raise UploadRefused(f"{name} must be a photo, video, PDF or saved email")
    key = secrets.token_hex(24)
    path = _storage_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return EvidenceFile(original_name=name, content_type=content_type, size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), storage_key=key)


@autocommit
def add_to_draft(draft_id: int, uploads: list[FileStorage]) -> list[EvidenceFile]:
    """Store uploaded files on a draft; all or nothing, so a refusal leaves no half-saved files."""
    already = count_for(draft_id=draft_id)
    rows: list[EvidenceFile] = []
    on_rollback(lambda: remove_stored([row.storage_key for row in rows]))
    try:
        for upload in uploads:
            row = check_and_store(upload, already=already + len(rows))
            row.draft_id = draft_id
            rows.append(row)
    finally:
        close_all(uploads)
    db.session.add_all(rows)
    return rows


@autocommit
def remove_from_draft(draft_id: int, file_id: int) -> None:
    """Remove one of the draft's files."""
    row = db.session.scalar(select(EvidenceFile).where(EvidenceFile.id == file_id, EvidenceFile.draft_id == draft_id))
    if row is None:
        return
    key = row.storage_key
    db.session.delete(row)
    on_commit(lambda: remove_stored([key]))


def draft_files(draft_id: int) -> list[EvidenceFile]:
    """The draft's files, oldest first."""
    return list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.draft_id == draft_id).order_by(EvidenceFile.id)))


def close_all(uploads: list[FileStorage]) -> None:
    """Close uploaded files now: large ones are spooled to temporary files."""
    for upload in uploads:
        upload.close()


def remove_stored(keys: list[str]) -> None:
    """Delete stored bytes; a file already gone is fine."""
    for key in keys:
        _storage_path(key).unlink(missing_ok=True)


def human_size(size: int) -> str:
    """A size in words a person reads easily."""
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)}KB"
    return f"{size / (1024 * 1024):.1f}MB"
