"""A 20 MB file goes up and comes down a chunk at a time: Python's own allocations stay a fraction of the file.

Measured with tracemalloc (every bytes object Python allocates, the request parser's, the sealing's, the
store's and the response's), around the real routes: the upload through the journey's evidence page, the
download through the staff route. Were the file ever read or joined whole, the peak would pass 20 MB.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
import tracemalloc

from sqlalchemy import func, select

from app.extensions import db
from app.models import EvidenceChunk, EvidenceFile, EvidenceStore, Report, ScanStatus
from app.services.evidence import storage
from app.services.evidence.sealing import CHUNK_BYTES
from tests.evidence_helpers import post_multipart
from tests.staff_fixtures import make_enrolled_staff, sign_in
from tests.web.public.helpers import answer_everything, csrf_from, submit

MB = 1024 * 1024
SIZE = 20 * MB - 4096  # just under the 20 MB limit
PEAK_LIMIT = 6 * MB  # under a third of the file


def _video(path) -> str:
    """A 20 MB MP4 (a real ftyp box, then random bytes) written in 1 MB steps; returns its SHA-256."""
    digest = hashlib.sha256()
    header = struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomavc1"
    with path.open("wb") as handle:
        handle.write(header)
        digest.update(header)
        left = SIZE - len(header)
        while left:
            block = os.urandom(min(MB, left))
            handle.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def _peak(action):
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_20mb_upload_and_download_stay_streamed(client, app_ctx, tmp_path):
    path = tmp_path / "doorbell.mp4"
    sha256 = _video(path)
    submit(client, "/report/start", {"danger": "no"})
    token = csrf_from(client.get("/report/evidence").get_data(as_text=True))

    response, upload_peak = _peak(lambda: post_multipart(
        client, "/report/evidence", {"csrf_token": token, "action": "upload"}, [("files", "doorbell.mp4", path)]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert upload_peak < PEAK_LIMIT, f"upload peak {upload_peak / MB:.1f} MB"

    row = db.session.scalar(select(EvidenceFile))
    assert (row.size_bytes, row.sha256, row.content_type) == (SIZE, sha256, "video/mp4")
    chunks = math.ceil(SIZE / CHUNK_BYTES)
    if row.store is EvidenceStore.DATABASE:
        stored = db.session.scalar(select(func.count()).select_from(EvidenceChunk)
                                   .where(EvidenceChunk.file_id == row.id))
        assert stored == chunks == 40
    else:
        sealed = storage.existing_file(row.storage_key)
        assert sealed is not None and sealed.stat().st_size > SIZE

    answer_everything(client)
    assert submit(client, "/report/send", {"declaration": "y"}).status_code == 302
    report = db.session.scalar(select(Report))
    row.scan_status = ScanStatus.CLEAN  # as if clamd had passed it (scanning is tested with a real clamd)
    db.session.commit()

    staff = app_ctx.test_client()
    assert sign_in(staff, make_enrolled_staff()).status_code == 302

    def download():
        response = staff.get(f"/staff/triage/reports/{report.id}/evidence/{row.id}", buffered=False)
        digest, parts, largest = hashlib.sha256(), 0, 0
        for part in response.response:
            digest.update(part)
            parts += 1
            largest = max(largest, len(part))
        response.close()
        return response, digest.hexdigest(), parts, largest

    (response, downloaded, parts, largest), download_peak = _peak(download)
    assert response.status_code == 200 and response.headers["Content-Length"] == str(SIZE)
    assert downloaded == sha256
    assert parts == chunks and largest <= CHUNK_BYTES  # sent as it was opened: one chunk at a time
    assert download_peak < PEAK_LIMIT, f"download peak {download_peak / MB:.1f} MB"
