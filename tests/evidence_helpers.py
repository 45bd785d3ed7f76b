"""Evidence for tests: real sample file headers, files stored through the real upload code, stored-bytes checks."""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import EvidenceFile, ScanStatus
from app.models.types import utcnow
from app.services import evidence
from app.services.evidence import storage

# A 1x1 PNG (signature and IHDR chunk), as any phone screenshot starts.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00" * 16
# The EICAR test file: harmless, and reported by every anti-virus scanner (the local clamd has its signature).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def make_evidence(*, report_id: int | None = None, draft_id: int | None = None, data: bytes = PNG,
                  name: str = "doorbell.png", scanned: bool = True) -> EvidenceFile:
    """A file stored as an upload is (typed, sealed, in the configured store); `scanned` as if a scan passed."""
    row = evidence.store_upload(FileStorage(io.BytesIO(data), filename=name), already=0, report_id=report_id,
                                draft_id=draft_id)
    if scanned:
        row.scan_status, row.scanned_at = ScanStatus.CLEAN, utcnow()
    db.session.commit()
    return row


def bytes_stored(row: EvidenceFile) -> bool:
    """Whether a file's sealed bytes are still in its store."""
    return storage.exists(row.store, db.session, row.id, row.storage_key)


def read_back(row: EvidenceFile) -> bytes:
    """A stored file's bytes, opened (for tests: a real download streams them instead)."""
    return b"".join(evidence.open_stored(row).plain_chunks())


def post_multipart(client, url: str, fields: dict[str, str], files: list[tuple[str, str, bytes | Path]]):
    """POST a multipart form whose body is written to, and streamed from, a temporary file of our own.

    For uploads over 500 KB: Werkzeug's test client spools such a body to a temporary file it never closes
    (a ResourceWarning, an error here). A file given as a Path is copied in a chunk at a time, never read whole.
    """
    boundary = secrets.token_hex(16)
    with tempfile.TemporaryFile() as body:
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for field, filename, content in files:
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n".encode())
            if isinstance(content, Path):
                with content.open("rb") as source:
                    shutil.copyfileobj(source, body, 1024 * 1024)
            else:
                body.write(content)
            body.write(b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        length = body.tell()
        body.seek(0)
        return client.post(url, input_stream=body, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")
