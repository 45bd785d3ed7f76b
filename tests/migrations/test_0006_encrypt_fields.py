"""Migration 0006 seals the rows a 0004 database already holds, in batches, and keeps return codes working."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import LargeBinary, select, text, type_coerce

from app.domain.reference import new_return_code
from app.extensions import db
from app.models import Draft, Person
from app.services import drafts
from tests.migrations.test_migrations import MIGRATIONS
from tests.sealed_data import WORDS, fill_every_sealed_column, read_everything

EXTRA_PEOPLE = 1_203  # more than two of the migration's batches of 500


def test_a_0004_database_with_data_is_sealed_and_reads_back_the_same(app_ctx):
    filled = fill_every_sealed_column()
    before = read_everything()
    db.session.remove()

    downgrade(directory=str(MIGRATIONS), revision="0004")
    code = new_return_code()
    with db.engine.begin() as conn:
        # As 0004 kept them: words in clear, the return code itself.
        assert conn.scalar(text("SELECT name FROM person WHERE name IS NOT NULL ORDER BY id LIMIT 1")) \
            == WORDS["victim_name"]
        assert WORDS["note_body"] == conn.scalar(text("SELECT body FROM case_note"))
        conn.execute(text("UPDATE draft SET return_code = :code WHERE id = :id"), {"code": code, "id": filled.draft_id})
        conn.execute(text("INSERT INTO person (report_id, role, name, postcode, date_of_birth) "
                          "VALUES (:report, 'suspect', :name, 'OT1 1AA', :dob)"),
                     [{"report": filled.second_report_id, "name": f"Extra Person {i}",
                       "dob": f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}"} for i in range(EXTRA_PEOPLE)])
    upgrade(directory=str(MIGRATIONS))

    after = read_everything()
    assert {table: rows for table, rows in after.items() if table != "person"} == \
        {table: rows for table, rows in before.items() if table != "person"}
    assert [row for row in after["person"] if row[0] in {r[0] for r in before["person"]}] == before["person"]
    added = [row for row in after["person"] if row[0] not in {r[0] for r in before["person"]}]
    assert len(added) == EXTRA_PEOPLE and added[-1][1] == f"Extra Person {EXTRA_PEOPLE - 1}"
    assert added[7][3].isoformat() == "1957-08-17"  # (id, name, other_names, date_of_birth, ...)

    table = Person.__table__
    raw = db.session.scalars(select(type_coerce(table.c.name, LargeBinary)).where(table.c.name.is_not(None))).all()
    assert len(raw) == EXTRA_PEOPLE + 3 and all(bytes(value).startswith(b"v1:test1:") for value in raw)
    with db.engine.connect() as conn:
        assert not any(b"Extra Person" in bytes(v) for v in conn.scalars(text("SELECT name FROM person")) if v)

    # The code saved before the migration still opens the draft; only its keyed hash is kept now.
    draft = db.session.get(Draft, filled.draft_id)
    assert draft.return_code_hash == drafts.return_code_hash(code)
    resumed, _ = drafts.resume(code, "quiet orchard bicycle")
    assert resumed.id == filled.draft_id
