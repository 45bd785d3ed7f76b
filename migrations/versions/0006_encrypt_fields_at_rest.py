"""encrypt people's words and identities at rest; return codes kept only as keyed hashes

Every column that holds a person's words or identity becomes sealed bytes (AES-256-GCM under the key ring in
app/crypto.py, with "table.column" as the authenticated context, exactly as app/models/encrypted.py seals them).
Existing rows are sealed in batches: a new column is added beside each clear one, filled batch by batch, then the
clear column is dropped and the new one takes its name. Draft return codes are replaced by their keyed hashes.

Revision ID: 0006
Revises: 0004
"""
import hashlib
import hmac
import json
from datetime import date

import sqlalchemy as sa
from alembic import op

from app.crypto import current_keyring, lookup_secret

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 500

# table -> [(column, kind, nullable, the clear type it had)]; kind is how the value is turned into bytes.
COLUMNS = {
    "person": [
        ("name", "text", True, sa.String(length=200)),
        ("other_names", "text", True, sa.String(length=500)),
        ("date_of_birth", "date", True, sa.Date()),
        ("age_text", "text", True, sa.String(length=40)),
        ("address", "text", True, sa.Text()),
        ("postcode", "text", True, sa.String(length=10)),
        ("description", "text", True, sa.Text()),
    ],
    "incident": [
        ("when_text", "text", True, sa.String(length=100)),
        ("description", "text", True, sa.Text()),
        ("location", "text", True, sa.Text()),
        ("witnesses", "text", True, sa.Text()),
        ("evidence_held", "text", True, sa.Text()),
    ],
    "report": [("answers", "json", False, sa.JSON())],
    "report_update": [("answers", "json", False, sa.JSON())],
    "draft": [("answers", "json", False, sa.JSON())],
    "staff_user": [("totp_secret", "text", True, sa.String(length=64))],
    "triage_decision": [
        ("thrive", "json", False, sa.JSON()),
        ("rationale", "text", True, sa.Text()),
        ("details", "json", False, sa.JSON()),
    ],
    "case_file": [
        ("outcome_rationale", "text", True, sa.Text()),
        ("enhanced_rights_reason", "text", True, sa.Text()),
    ],
    "case_report": [
        ("link_reason", "text", True, sa.Text()),
        ("unlink_reason", "text", True, sa.Text()),
    ],
    "risk_assessment": [
        ("answers", "json", False, sa.JSON()),
        ("raised_by", "json", False, sa.JSON()),
        ("judgement_reason", "text", True, sa.Text()),
    ],
    "referral": [
        ("consent_note", "text", True, sa.Text()),
        ("reason", "text", True, sa.Text()),
    ],
    "contact_attempt": [
        ("unsafe_channel_override", "text", True, sa.Text()),
        ("summary", "text", True, sa.Text()),
    ],
    "case_note": [("body", "text", False, sa.Text())],
    "case_event": [("detail", "text", True, sa.Text())],
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _as_text(column: str, kind: str) -> str:
    # JSON and dates are read as their text form on both engines (a date as YYYY-MM-DD whatever the DateStyle).
    if kind == "date" and _postgres():
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"CAST({column} AS TEXT)"


def _to_bytes(value: str, kind: str) -> bytes:
    if kind == "date":
        return date.fromisoformat(value).isoformat().encode("ascii")
    if kind == "json":
        return json.dumps(json.loads(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return value.encode("utf-8")


def _from_bytes(raw: bytes, kind: str) -> str:
    if kind == "json":
        return json.dumps(json.loads(raw.decode("utf-8")))
    return raw.decode("utf-8")


def _batches(table: str, columns: list[str]):
    """Rows (id first) in id order, BATCH at a time, so no table is held in memory at once."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text(
            f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > :last ORDER BY id LIMIT :n"  # noqa: S608
        ), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _seal_table(table: str, spec) -> None:
    ring = current_keyring()
    bind = op.get_bind()
    selected = [_as_text(column, kind) for column, kind, _, _ in spec]
    assignments = ", ".join(f"{column}_sealed = :{column}" for column, _, _, _ in spec)
    update = sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id").bindparams(  # noqa: S608
        *[sa.bindparam(column, type_=sa.LargeBinary()) for column, _, _, _ in spec])
    for rows in _batches(table, selected):
        params = []
        for row in rows:
            values = {"id": row[0]}
            for (column, kind, _, _), value in zip(spec, row[1:], strict=True):
                values[column] = None if value is None else ring.seal(
                    _to_bytes(value, kind), context=f"{table}.{column}".encode())
            params.append(values)
        bind.execute(update, params)


def _open_table(table: str, spec) -> None:
    ring = current_keyring()
    bind = op.get_bind()
    casts = {"json": "CAST(:{0} AS JSON)", "date": "CAST(:{0} AS DATE)"} if _postgres() else {}
    assignments = ", ".join(f"{column}_clear = " + casts.get(kind, ":{0}").format(column)
                            for column, kind, _, _ in spec)
    update = sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id")  # noqa: S608
    for rows in _batches(table, [column for column, _, _, _ in spec]):
        params = []
        for row in rows:
            values = {"id": row[0]}
            for (column, kind, _, _), token in zip(spec, row[1:], strict=True):
                values[column] = None if token is None else _from_bytes(
                    ring.open(bytes(token), context=f"{table}.{column}".encode()), kind)
            params.append(values)
        bind.execute(update, params)


def _code_hash(code: str) -> str:
    # As app/services/drafts.py hashes a return code: HMAC-SHA256 under the return-code lookup key.
    return hmac.new(lookup_secret(b"draft-return-codes"), code.encode("utf-8"), hashlib.sha256).hexdigest()


def upgrade():
    for table, spec in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _, _, _ in spec:
                batch_op.add_column(sa.Column(f"{column}_sealed", sa.LargeBinary(), nullable=True))
        _seal_table(table, spec)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _, _, _ in spec:
                batch_op.drop_column(column)
            for column, _, nullable, _ in spec:
                batch_op.alter_column(f"{column}_sealed", new_column_name=column, existing_type=sa.LargeBinary(),
                                      nullable=nullable)

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_code_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    for rows in _batches("draft", ["return_code"]):
        hashed = [{"id": draft_id, "hash": _code_hash(code)} for draft_id, code in rows if code]
        if hashed:
            bind.execute(sa.text("UPDATE draft SET return_code_hash = :hash WHERE id = :id"), hashed)
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_draft_return_code"), type_="unique")
        batch_op.drop_column("return_code")
        batch_op.create_unique_constraint(batch_op.f("uq_draft_return_code_hash"), ["return_code_hash"])


def downgrade():
    # A hash cannot give the code back: saved drafts keep their answers but can no longer be resumed by code.
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_code", sa.String(length=11), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_draft_return_code_hash"), type_="unique")
        batch_op.drop_column("return_code_hash")
        batch_op.create_unique_constraint(batch_op.f("uq_draft_return_code"), ["return_code"])

    for table, spec in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _, _, clear_type in spec:
                batch_op.add_column(sa.Column(f"{column}_clear", clear_type, nullable=True))
        _open_table(table, spec)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _, _, _ in spec:
                batch_op.drop_column(column)
            for column, _, nullable, clear_type in spec:
                batch_op.alter_column(f"{column}_clear", new_column_name=column, existing_type=clear_type,
                                      nullable=nullable)
