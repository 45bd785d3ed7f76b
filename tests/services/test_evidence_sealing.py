"""Evidence at rest: sealed chunk by chunk under a per-file data key; rotation re-wraps data keys only."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, text

from app.crypto import KeyRing, current_keyring, parse_keys
from app.extensions import db
from app.models import EvidenceChunk, EvidenceFile, EvidenceStore
from app.services import reencryption
from app.services.evidence import storage
from app.services.evidence.sealing import (
    CHUNK_BYTES,
    SealError,
    new_data_key,
    open_chunks,
    rewrap,
    seal_chunks,
    unwrap,
)
from config import TestConfig
from tests.evidence_helpers import make_evidence, read_back
from tests.factories import make_report

KEY_A = TestConfig.ENCRYPTION_KEYS
KEY_B = "test2:" + "c2Vjb25kLXRlc3Qta2V5LWZvci1yb3RhdGlvbi0zMmI="
FILE = "ab" * 24
OTHER = "cd" * 24


def _ring(spec: str, current: str | None = None) -> KeyRing:
    return parse_keys(spec, current)


def _sealed(key: bytes, storage_key: str, parts: list[bytes]) -> list[bytes]:
    return list(seal_chunks(key, storage_key, iter(parts)))


def test_chunks_open_in_order_and_nothing_else_does():
    ring = _ring(KEY_A)
    data_key = new_data_key(ring, FILE)
    parts = [os.urandom(CHUNK_BYTES), os.urandom(CHUNK_BYTES), b"tail"]
    sealed = _sealed(data_key.key, FILE, parts)
    assert list(open_chunks(unwrap(ring, data_key.wrapped, FILE), FILE, sealed)) == parts
    assert all(part not in chunk for part, chunk in zip(parts, sealed, strict=True))

    tampered = bytearray(sealed[1])
    tampered[40] ^= 1
    bad = {
        "reordered": [sealed[1], sealed[0], sealed[2]],
        "a chunk dropped": [sealed[0], sealed[2]],
        "cut short": sealed[:2],
        "a chunk repeated": [sealed[0], sealed[0], sealed[1], sealed[2]],
        "data after the end": [*sealed, sealed[2]],
        "altered": [sealed[0], bytes(tampered), sealed[2]],
        "a chunk from another file": [sealed[0], _sealed(data_key.key, OTHER, parts)[1], sealed[2]],
        "another file's last chunk": [sealed[0], sealed[1], _sealed(data_key.key, OTHER, [b"x"])[0]],
    }
    for name, chunks in bad.items():
        with pytest.raises(SealError):
            list(open_chunks(data_key.key, FILE, chunks))
        assert name


def test_a_wrapped_data_key_opens_only_for_its_own_file_and_ring():
    data_key = new_data_key(_ring(KEY_A), FILE)
    with pytest.raises(SealError):
        unwrap(_ring(KEY_A), data_key.wrapped, OTHER)
    with pytest.raises(SealError):
        unwrap(_ring(KEY_B), data_key.wrapped, FILE)


def test_rotation_rewraps_the_data_key_and_leaves_the_chunks():
    data_key = new_data_key(_ring(KEY_A), FILE)
    sealed = _sealed(data_key.key, FILE, [b"evidence"])
    both = _ring(f"{KEY_A},{KEY_B}", "test2")
    rewrapped = rewrap(both, data_key.wrapped, FILE)
    assert rewrapped != data_key.wrapped and rewrapped.startswith(b"v1:test2:")
    only_b = _ring(KEY_B)
    assert list(open_chunks(unwrap(only_b, rewrapped, FILE), FILE, sealed)) == [b"evidence"]


def test_an_empty_stream_seals_as_one_empty_last_chunk():
    key = new_data_key(_ring(KEY_A), FILE).key
    assert list(open_chunks(key, FILE, _sealed(key, FILE, []))) == [b""]


@pytest.fixture
def swap_ring(app_ctx):
    """Replace the app's key ring for a test, and put the configured one back after."""
    original = app_ctx.extensions["keyring"]

    def swap(spec: str, current: str | None = None) -> None:
        app_ctx.extensions["keyring"] = _ring(spec, current)
        db.session.expire_all()

    yield swap
    app_ctx.extensions["keyring"] = original


def test_rotating_the_ring_then_rewrapping_lets_the_old_key_go(app_ctx, swap_ring):
    report = make_report()
    data = os.urandom(CHUNK_BYTES + 1000)
    rows = [make_evidence(report_id=report.id, data=b"%PDF-1.7\n" + data, name=f"letter {n}.pdf") for n in range(3)]
    ids = [row.id for row in rows]
    assert {row.key_id for row in rows} == {"test1"}

    swap_ring(f"{KEY_A},{KEY_B}", "test2")  # B becomes current; A still opens what it sealed
    assert read_back(db.session.get(EvidenceFile, ids[0])).endswith(data)
    assert reencryption.pending()["evidence_data_keys"] == 3
    first = reencryption.reseal_batch("evidence_data_keys", limit=2)  # resumable: a batch at a time
    assert first.resealed == 2 and first.next_after is not None
    assert reencryption.pending()["evidence_data_keys"] == 1
    assert reencryption.reseal_batch("evidence_data_keys", after=first.next_after, limit=2).resealed == 1
    assert reencryption.reseal_batch("evidence_data_keys", limit=2).resealed == 0
    assert reencryption.reseal_batch("evidence_file", limit=10).resealed == 3  # the names, with the other columns

    swap_ring(KEY_B)  # A removed
    for file_id, n in zip(ids, range(3), strict=True):
        row = db.session.get(EvidenceFile, file_id)
        assert row.key_id == "test2" and row.original_name == f"letter {n}.pdf"
        assert read_back(row).endswith(data)
    raw_name = db.session.execute(text("SELECT original_name FROM evidence_file WHERE id = :id"),
                                  {"id": ids[0]}).scalar()
    assert bytes(raw_name).startswith(b"v1:test2:")


def test_the_reencrypt_command_rewraps_evidence_with_everything_else(app_ctx, swap_ring):
    report = make_report()
    make_evidence(report_id=report.id, name="one.png")
    make_evidence(report_id=report.id, name="two.png")
    swap_ring(f"{KEY_A},{KEY_B}", "test2")
    result = app_ctx.test_cli_runner().invoke(args=["reencrypt", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "evidence_data_keys: 2 resealed" in result.output and "Everything is under key test2" in result.output
    assert set(db.session.scalars(select(EvidenceFile.key_id))) == {"test2"}


@pytest.mark.parametrize("store", list(EvidenceStore))
def test_either_store_keeps_only_sealed_bytes(app_ctx, store):
    app_ctx.config["EVIDENCE_STORAGE"] = store.value
    try:
        data = b"%PDF-1.7\n" + b"Dan was outside my work again. " * 40_000  # 1.2 MB: three chunks
        row = make_evidence(report_id=make_report().id, data=data, name="diary.pdf")
        assert row.store is store and read_back(row) == data
        chunks = db.session.scalars(select(EvidenceChunk.data).where(EvidenceChunk.file_id == row.id)).all()
        if store is EvidenceStore.DATABASE:
            assert len(chunks) == 3 and not any(b"outside my work" in bytes(c) for c in chunks)
        else:
            assert chunks == []
            path = storage.existing_file(row.storage_key)
            assert path is not None and b"outside my work" not in path.read_bytes()
            assert oct(path.stat().st_mode & 0o777) == "0o600"
    finally:
        app_ctx.config["EVIDENCE_STORAGE"] = None


def test_the_default_store_follows_the_database(app_ctx, engine_name):
    expected = EvidenceStore.DATABASE if engine_name == "postgresql" else EvidenceStore.FILESYSTEM
    assert storage.configured_store() is expected
    assert current_keyring().current_id == "test1"
