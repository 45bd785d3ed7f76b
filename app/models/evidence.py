"""An uploaded evidence file: its metadata, and its bytes sealed in chunks (in the database, or in UPLOAD_DIR).

The bytes are never kept in clear: each file has its own random data key, wrapped by the key ring
(`wrapped_key`, under the key named by `key_id`), and every chunk is sealed under that data key
(app/services/evidence/sealing.py). Rotating the ring re-wraps data keys only; the chunks stay as they are.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.encrypted import EncryptedText
from app.models.types import UTCDateTime, enum_column, utcnow


class ScanStatus(enum.StrEnum):
    """What the malware scanner said about a file. Only clean files are ever served to staff."""

    PENDING = "pending"  # not scanned yet (no scanner set up, or it could not be reached): never served
    CLEAN = "clean"
    INFECTED = "infected"  # found by a later scan: the bytes are deleted, the record of the file stays

    @property
    def label(self) -> str:
        return {"pending": "Not yet scanned", "clean": "Scanned", "infected": "Removed: virus found"}[self.value]


class EvidenceStore(enum.StrEnum):
    """Where a file's sealed chunks are kept."""

    DATABASE = "database"  # evidence_chunk rows: every host reads them; backed up with the database
    FILESYSTEM = "filesystem"  # one sealed file under UPLOAD_DIR: the embedded default (SQLite, one host)


class EvidenceFile(Model):
    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Exactly one owner at a time: a draft while unsubmitted, then the report (and the update that brought it).
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("report_update.id", ondelete="SET NULL"))
    # The name on the victim's phone can itself say who or what it is about: sealed like any of her words.
    original_name: Mapped[str] = mapped_column(EncryptedText("evidence_file.original_name"))
    content_type: Mapped[str] = mapped_column(String(100))  # found from the content, not the name
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))  # of the plain bytes, shown to staff for continuity
    # Random and never reused: names the filesystem copy and is bound into every chunk's seal.
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    store: Mapped[EvidenceStore] = mapped_column(enum_column(EvidenceStore))
    # The file's data key, sealed by the key ring under key `key_id` (the original name is sealed under it too).
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    scan_status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus), index=True, default=ScanStatus.PENDING)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scan_signature: Mapped[str | None] = mapped_column(String(200))  # the scanner's name for what it found


class EvidenceChunk(Model):
    """One sealed chunk of a file kept in the database (EvidenceStore.DATABASE), in order by `seq`."""

    __tablename__ = "evidence_chunk"

    file_id: Mapped[int] = mapped_column(ForeignKey("evidence_file.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
