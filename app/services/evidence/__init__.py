"""Evidence files: uploads checked by content, sealed in chunks into shared storage, scanned by clamd.

- `files`: the use cases (store an upload, add to or remove from a draft, serve, discard, rescan).
- `sealing`: envelope encryption, chunk by chunk, under the key ring.
- `storage`: the database store (shared by every host) and the filesystem store (the embedded default).
- `scanning`: malware scanning through clamd.
- `rotation`: re-wrapping data keys under the current key.
Which types are accepted is a rule of its own: app/domain/evidence_formats.py.
"""

from app.services.evidence import rotation  # noqa: F401  (registers the data-key re-encryptor)
from app.services.evidence.files import (
    Limits,
    NotScanned,
    Rescan,
    RescanSummary,
    StoredFile,
    UploadRefused,
    add_to_draft,
    close_all,
    count_for,
    discard,
    draft_files,
    human_size,
    limits,
    open_stored,
    remove_from_draft,
    rescan_one,
    rescan_pending,
    servable,
    store_upload,
)

__all__ = [
    "Limits",
    "NotScanned",
    "Rescan",
    "RescanSummary",
    "StoredFile",
    "UploadRefused",
    "add_to_draft",
    "close_all",
    "count_for",
    "discard",
    "draft_files",
    "human_size",
    "limits",
    "open_stored",
    "remove_from_draft",
    "rescan_one",
    "rescan_pending",
    "servable",
    "store_upload",
]
