"""Key rotation for evidence: re-wrap each file's data key under the current key.

The chunks themselves never change: only each file's small wrapped data key does, so rotating a key ring
over gigabytes of evidence is a few hundred bytes per file. File names are an encrypted column, resealed
with the other columns. `flask --app wsgi reencrypt` runs this with every other re-encryptor.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.crypto import KeyRing
from app.extensions import db
from app.models import EvidenceFile
from app.services import reencryption
from app.services.evidence.sealing import rewrap
from app.services.reencryption import Batch


class EvidenceDataKeys:
    """Files whose data key is wrapped under another key than the current one."""

    name = "evidence_data_keys"

    def pending(self, ring: KeyRing) -> int:
        """How many files still have their data key under an old key."""
        return db.session.scalar(
            select(func.count(EvidenceFile.id)).where(EvidenceFile.key_id != ring.current_id)) or 0

    def reseal_batch(self, ring: KeyRing, *, after: int, limit: int) -> Batch:
        """Re-wrap the next files' data keys, in id order, in the caller's transaction."""
        rows = list(db.session.scalars(
            select(EvidenceFile).where(EvidenceFile.id > after, EvidenceFile.key_id != ring.current_id)
            .order_by(EvidenceFile.id).limit(limit).with_for_update(skip_locked=True)))
        for row in rows:
            row.wrapped_key = rewrap(ring, row.wrapped_key, row.storage_key)
            row.key_id = ring.current_id
        return Batch(len(rows), rows[-1].id if len(rows) == limit else None)


reencryption.register(EvidenceDataKeys())
