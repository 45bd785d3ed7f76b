"""Migration 0007 moves files kept in clear under UPLOAD_DIR into the sealed store, and back on downgrade."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import EvidenceChunk, EvidenceFile, EvidenceStore, ScanStatus
from tests.evidence_helpers import bytes_stored, read_back
from tests.factories import make_report
from tests.migrations.test_migrations import MIGRATIONS


def _old_file(app, report_id: int, name: str, data: bytes | None) -> str:
    """A file as the code before 0007 kept it: in clear at UPLOAD_DIR/kk/key, its row naming it."""
    key = secrets.token_hex(24)
    if data is not None:
        path = Path(app.config["UPLOAD_DIR"]) / key[:2] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO evidence_file (report_id, original_name, content_type, size_bytes, sha256, storage_key,"
            " uploaded_at) VALUES (:report, :name, 'application/pdf', :size, :sha, :key, :at)"),
            {"report": report_id, "name": name, "size": len(data or b""), "key": key,
             "sha": hashlib.sha256(data or b"").hexdigest(), "at": datetime(2026, 3, 1, tzinfo=UTC)})
    return key


@pytest.fixture
def own_upload_dir(app_ctx, tmp_path):
    saved = app_ctx.config["UPLOAD_DIR"], app_ctx.config.get("EVIDENCE_STORAGE")
    app_ctx.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield Path(app_ctx.config["UPLOAD_DIR"])
    app_ctx.config["UPLOAD_DIR"], app_ctx.config["EVIDENCE_STORAGE"] = saved


@pytest.mark.parametrize("store", list(EvidenceStore))
def test_existing_files_move_into_the_sealed_store_and_back(app_ctx, own_upload_dir, store):
    app_ctx.config["EVIDENCE_STORAGE"] = store.value
    report_id = make_report().id
    db.session.remove()
    downgrade(directory=str(MIGRATIONS), revision="0004")

    diary = b"%PDF-1.4\n" + os.urandom(1_300_000)  # three chunks
    letter = b"%PDF-1.4\nI know where you live.\n"
    keys = {
        "diary": _old_file(app_ctx, report_id, "Diary – Zoë.pdf", diary),
        "letter": _old_file(app_ctx, report_id, "letter.pdf", letter),
        "lost": _old_file(app_ctx, report_id, "lost.pdf", None),  # its file was already gone
    }
    clear = {name: own_upload_dir / key[:2] / key for name, key in keys.items()}
    upgrade(directory=str(MIGRATIONS))

    rows = {row.storage_key: row for row in db.session.scalars(select(EvidenceFile))}
    diary_row, letter_row, lost_row = (rows[keys[name]] for name in ("diary", "letter", "lost"))
    assert (diary_row.original_name, letter_row.original_name) == ("Diary – Zoë.pdf", "letter.pdf")
    assert read_back(diary_row) == diary and read_back(letter_row) == letter
    assert not bytes_stored(lost_row)
    for row in rows.values():
        assert row.store is store and row.scan_status is ScanStatus.PENDING and row.key_id == "test1"
    # Nothing left in clear: not the names, not the files (deleted once the migration committed).
    assert not any(path.exists() for path in clear.values())
    raw_names = db.session.execute(text("SELECT original_name FROM evidence_file")).scalars().all()
    assert not any(b"Diary" in bytes(name) or b"letter" in bytes(name) for name in raw_names)
    chunk_rows = db.session.scalar(select(func.count()).select_from(EvidenceChunk))
    assert chunk_rows == (4 if store is EvidenceStore.DATABASE else 0)
    if store is EvidenceStore.FILESYSTEM:
        assert letter.rstrip() not in (own_upload_dir / keys["letter"][:2] / f"{keys['letter']}.sealed").read_bytes()
    db.session.remove()

    downgrade(directory=str(MIGRATIONS), revision="0004")
    assert clear["diary"].read_bytes() == diary and clear["letter"].read_bytes() == letter
    with db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT original_name FROM evidence_file")).scalars())
    assert names == {"Diary – Zoë.pdf", "letter.pdf", "lost.pdf"}
    assert not list(own_upload_dir.rglob("*.sealed"))
    upgrade(directory=str(MIGRATIONS))
