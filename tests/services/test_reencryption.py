"""Key rotation: data sealed under key A reads after B becomes current; after `reencrypt`, A can be removed."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import pytest
from sqlalchemy import LargeBinary, select, type_coerce

from app.crypto import KeyRing, KeyRingError, current_keyring, key_id_of, new_key
from app.extensions import db
from app.models import AuditEvent, Case, CaseNote, Report, StaffUser
from app.services import reencryption
from app.services.casework import notes
from app.services.reencryption import Batch
from tests.factories import as_actor
from tests.sealed_data import fill_every_sealed_column, read_everything


def _key() -> bytes:
    return base64.urlsafe_b64decode(new_key())


@pytest.fixture
def use_ring(app_ctx, monkeypatch):
    """Deploy a key ring to the running app (restored after the test)."""

    def use(ring: KeyRing) -> None:
        monkeypatch.setitem(app_ctx.extensions, "keyring", ring)
        db.session.expire_all()

    return use


@pytest.fixture
def rotated(app_ctx, use_ring):
    """Data written under the test key A, then B made current with A still in the ring."""
    filled = fill_every_sealed_column()
    a = current_keyring()
    before = read_everything()
    b = KeyRing({**a.keys, "b": _key()}, "b")
    use_ring(b)
    return filled, b, before


def test_data_under_key_a_reads_after_rotating_to_b_and_after_reencryption_a_can_go(app_ctx, use_ring, rotated):
    filled, b, before = rotated
    assert read_everything() == before  # A's data still opens, B now current
    waiting = reencryption.pending()
    filled_tables = {name for name, rows in before.items() if any(v is not None for row in rows for v in row[1:])}
    assert filled_tables >= {"person", "incident", "report", "case_note", "staff_user", "draft"}
    assert all(waiting[name] > 0 for name in filled_tables)
    report_version = db.session.get(Report, filled.report_id).version
    case = db.session.get(Case, filled.case_id)
    case_version, case_updated = case.version, case.updated_at

    result = app_ctx.test_cli_runner().invoke(args=["reencrypt", "--batch-size", "3"])

    assert result.exit_code == 0, result.output
    assert "Everything is under key b. Keys no longer needed: test1." in result.output
    assert set(reencryption.pending().values()) == {0}
    use_ring(KeyRing({"b": b.keys["b"]}, "b"))  # key A removed from the configuration
    assert read_everything() == before
    # Resealing is not a change anyone made: no version bump (no stale forms), no new "updated" time.
    assert db.session.get(Report, filled.report_id).version == report_version
    case = db.session.get(Case, filled.case_id)
    assert (case.version, case.updated_at) == (case_version, case_updated)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "keys.reencrypted"))
    assert event.details["current_key"] == "b" and event.details["resealed"]["person"] == 3
    assert event.details["left"] == {}


def test_removing_key_a_without_reencrypting_loses_the_data(app_ctx, use_ring, rotated):
    _, b, _ = rotated
    use_ring(KeyRing({"b": b.keys["b"]}, "b"))
    with pytest.raises(KeyRingError):
        read_everything()


def test_new_writes_after_the_rotation_are_sealed_under_b(app_ctx, rotated):
    filled, _, _ = rotated
    note = notes.add_note(filled.case_id, as_actor(db.session.get(StaffUser, filled.officer_id)), body="After rotation")
    table = CaseNote.__table__
    raw = db.session.scalar(select(type_coerce(table.c.body, LargeBinary)).where(table.c.id == note.id))
    assert key_id_of(bytes(raw)) == "b"


def test_a_run_that_stops_part_way_carries_on_where_it_stopped(app_ctx, rotated):
    person_waiting = reencryption.pending()["person"]
    first = reencryption.reseal_batch("person", after=0, limit=1)
    assert first.resealed == 1 and first.next_after is not None
    assert reencryption.pending()["person"] == person_waiting - 1

    check = app_ctx.test_cli_runner().invoke(args=["reencrypt", "--check"])
    assert check.exit_code == 0 and f"person: {person_waiting - 1:,} still under an older key" in check.output
    assert reencryption.pending()["person"] == person_waiting - 1  # --check changes nothing

    result = app_ctx.test_cli_runner().invoke(args=["reencrypt"])
    assert result.exit_code == 0, result.output
    assert set(reencryption.pending().values()) == {0}


@dataclass
class SealedBlobs:
    """Something sealed outside the encrypted columns (as stored files are), with its own re-encryptor."""

    name: str = "test_blobs"
    blobs: dict[int, bytes] = field(default_factory=dict)

    def pending(self, ring: KeyRing) -> int:
        return sum(1 for token in self.blobs.values() if not ring.is_current(token))

    def reseal_batch(self, ring: KeyRing, *, after: int, limit: int) -> Batch:
        ids = sorted(i for i, token in self.blobs.items() if i > after and not ring.is_current(token))[:limit]
        for i in ids:
            self.blobs[i] = ring.reseal(self.blobs[i], context=b"test.blob")
        return Batch(len(ids), ids[-1] if len(ids) == limit else None)


def test_a_registered_reencryptor_is_run_by_the_command(app_ctx, use_ring, monkeypatch):
    a = current_keyring()
    blobs = SealedBlobs(blobs={i: a.seal(f"file {i}".encode(), context=b"test.blob") for i in range(1, 8)})
    monkeypatch.setitem(reencryption._registered, blobs.name, blobs)
    use_ring(KeyRing({**a.keys, "b": _key()}, "b"))
    assert reencryption.pending()[blobs.name] == 7

    result = app_ctx.test_cli_runner().invoke(args=["reencrypt", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "test_blobs: 7 resealed" in result.output
    assert {key_id_of(token) for token in blobs.blobs.values()} == {"b"}
    assert current_keyring().open(blobs.blobs[3], context=b"test.blob") == b"file 3"
