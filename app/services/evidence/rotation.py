"""Key rotation for evidence: re-wrap files' data keys (and re-seal their names) under the current key.

The chunks themselves never change: only each file's small wrapped data key does, so rotating a key ring
over gigabytes of evidence is a few hundred bytes per file. Batched and resumable: each batch commits,
and the next picks up whatever is still under an old key.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from app.crypto import current_keyring
from app.extensions import db
from app.models import EvidenceFile
from app.services.evidence.sealing import rewrap
from app.services.transaction import autocommit

BATCH_DEFAULT = 200


@autocommit
def rewrap_batch(limit: int = BATCH_DEFAULT) -> int:
    """Re-wrap up to `limit` files' data keys not under the current key; returns how many (0 when none are left)."""
    ring = current_keyring()
    rows = list(db.session.scalars(select(EvidenceFile).where(EvidenceFile.key_id != ring.current_id)
                                   .order_by(EvidenceFile.id).limit(limit).with_for_update(skip_locked=True)))
    for row in rows:
        row.wrapped_key = rewrap(ring, row.wrapped_key, row.storage_key)
        row.key_id = ring.current_id
        # The original name was sealed under the same old key: writing it again seals it under the current one.
        flag_modified(row, "original_name")
    return len(rows)


def remaining() -> int:
    """How many files still have their data key under an old key."""
    ring = current_keyring()
    return db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.key_id != ring.current_id)) or 0
