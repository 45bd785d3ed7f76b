"""evidence in shared storage: files sealed in chunks (database or UPLOAD_DIR), names sealed, malware scan status

Every existing file is read from UPLOAD_DIR a chunk at a time, sealed under a new data key of its own (wrapped
by the key ring) and written to the configured store (EVIDENCE_STORAGE: the database on PostgreSQL). The clear
copies are deleted only once this migration has committed. Existing files were never scanned: they are "not
yet scanned" until `flask --app wsgi rescan-evidence` passes them.

Revision ID: 0007
Revises: 0004
"""
from pathlib import Path

from alembic import op
from flask import current_app
import sqlalchemy as sa

from app.crypto import current_keyring
from app.models.evidence import EvidenceStore
from app.services.evidence import sealing, storage


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NAME_CONTEXT = b"evidence_file.original_name"
AFTER_COMMIT = "after_commit"  # migrations/env.py runs these once the migration has committed
SCAN_STATUSES = ("pending", "clean", "infected")
STORES = ("database", "filesystem")

files = sa.table(
    "evidence_file", sa.column("id", sa.Integer), sa.column("storage_key", sa.String), sa.column("store", sa.String),
    sa.column("original_name", sa.String), sa.column("name_sealed", sa.LargeBinary),
    sa.column("name_plain", sa.String), sa.column("wrapped_key", sa.LargeBinary), sa.column("key_id", sa.String),
    sa.column("scan_status", sa.String),
)


def upgrade():
    op.create_table(
        "evidence_chunk",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["evidence_file.id"], name=op.f("fk_evidence_chunk_file_id_evidence_file"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "seq", name=op.f("pk_evidence_chunk")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Sealed bytes never compress: store them out of line without trying.
        op.execute("ALTER TABLE evidence_chunk ALTER COLUMN data SET STORAGE EXTERNAL")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_sealed", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("store", sa.Enum(*STORES, name="evidencestore", native_enum=False, length=20),
                                      nullable=True))
        batch_op.add_column(sa.Column("wrapped_key", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("scan_status", sa.Enum(*SCAN_STATUSES, name="scanstatus", native_enum=False,
                                                             length=20), nullable=True))
        batch_op.add_column(sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("scan_signature", sa.String(length=200), nullable=True))

    _seal_existing_files()

    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_column("original_name")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.alter_column("name_sealed", new_column_name="original_name", existing_type=sa.LargeBinary(),
                              nullable=False)
        for name in ("store", "wrapped_key", "key_id", "scan_status"):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_index(batch_op.f("ix_evidence_file_key_id"), ["key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_file_scan_status"), ["scan_status"], unique=False)


def _seal_existing_files():
    bind = op.get_bind()
    ring = current_keyring()
    store = storage.configured_store()
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    moved = []
    rows = bind.execute(sa.select(files.c.id, files.c.storage_key, files.c.original_name).order_by(files.c.id)).all()
    for file_id, key, name in rows:
        data_key = sealing.new_data_key(ring, key)
        plain = storage.plain_file_path(key)
        # Only a real file inside UPLOAD_DIR is moved (a row naming anything else never was served either).
        if plain.is_file() and plain.resolve().is_relative_to(root):
            storage.write(store, bind, file_id, key, sealing.seal_chunks(data_key.key, key, _read_chunks(plain)))
            moved.append(plain)
        bind.execute(files.update().where(files.c.id == file_id).values(
            name_sealed=ring.seal(name.encode("utf-8"), context=NAME_CONTEXT), store=store.value,
            wrapped_key=data_key.wrapped, key_id=data_key.key_id, scan_status="pending"))

    def delete_clear_copies():
        for path in moved:
            path.unlink(missing_ok=True)

    bind.info.setdefault(AFTER_COMMIT, []).append(delete_clear_copies)


def _read_chunks(path):
    with path.open("rb") as handle:
        while chunk := handle.read(sealing.CHUNK_BYTES):
            yield chunk


def downgrade():
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_plain", sa.String(length=255), nullable=True))

    bind = op.get_bind()
    ring = current_keyring()
    sealed_files = []
    rows = bind.execute(sa.select(files.c.id, files.c.storage_key, files.c.store, files.c.original_name,
                                  files.c.wrapped_key).order_by(files.c.id)).all()
    for file_id, key, store_name, sealed_name, wrapped in rows:
        store = EvidenceStore(store_name)
        if storage.exists(store, bind, file_id, key):
            data_key = sealing.unwrap(ring, wrapped, key)
            plain = storage.plain_file_path(key)
            plain.parent.mkdir(parents=True, exist_ok=True)
            with plain.open("wb") as handle:
                for chunk in sealing.open_chunks(data_key, key, storage.read(store, bind, file_id, key)):
                    handle.write(chunk)
            if store is EvidenceStore.FILESYSTEM:
                sealed_files.append(key)
        name = ring.open(bytes(sealed_name), context=NAME_CONTEXT).decode("utf-8")
        bind.execute(files.update().where(files.c.id == file_id).values(name_plain=name))

    def delete_sealed_copies():
        for key in sealed_files:
            storage.remove_file(key)

    bind.info.setdefault(AFTER_COMMIT, []).append(delete_sealed_copies)

    op.drop_table("evidence_chunk")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_file_scan_status"))
        batch_op.drop_index(batch_op.f("ix_evidence_file_key_id"))
        for name in ("scan_signature", "scanned_at", "scan_status", "key_id", "wrapped_key", "store", "original_name"):
            batch_op.drop_column(name)
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.alter_column("name_plain", new_column_name="original_name", existing_type=sa.String(length=255),
                              nullable=False)
