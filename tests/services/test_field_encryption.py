"""Field encryption at rest: which columns are sealed, what the database holds, and what Python still sees."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import LargeBinary, Table, event, inspect, select, type_coerce, update

from app.crypto import KeyRing, KeyRingError
from app.extensions import db
from app.models import Case, Draft, Incident, Person, PersonRole, Referral, Report, ReportUpdate, StaffUser
from app.models.encrypted import Encrypted, EncryptedComparisonError, EncryptedDate, EncryptedJSON, EncryptedText
from app.services.casework import lists, referrals
from tests.factories import as_actor
from tests.sealed_data import WORDS, fill_every_sealed_column
from tests.web.cases.helpers import make_case, make_officer

# Every column that holds a person's words or identity, or a secret. A column leaving this list is a decision.
SEALED = {
    "person.name", "person.other_names", "person.date_of_birth", "person.age_text", "person.address",
    "person.postcode", "person.description",
    "incident.when_text", "incident.description", "incident.location", "incident.witnesses", "incident.evidence_held",
    "report.answers", "report_update.answers", "draft.answers", "staff_user.totp_secret",
    "triage_decision.thrive", "triage_decision.rationale", "triage_decision.details",
    "case_file.outcome_rationale", "case_file.enhanced_rights_reason",
    "case_report.link_reason", "case_report.unlink_reason",
    "risk_assessment.answers", "risk_assessment.raised_by", "risk_assessment.judgement_reason",
    "referral.consent_note", "referral.reason",
    "contact_attempt.unsafe_channel_override", "contact_attempt.summary",
    "case_note.body", "case_event.detail",
}  # fmt: skip


def _sealed_columns() -> dict[str, tuple[Table, str]]:
    found = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                found[f"{table.name}.{column.name}"] = (table, column.name)
    return found


def test_the_sealed_columns_are_exactly_these_each_under_its_own_name(app_ctx):
    found = _sealed_columns()
    # evidence_file.original_name is sealed with the evidence files themselves; anything else must be listed above.
    assert set(found) >= SEALED and set(found) - SEALED <= {"evidence_file.original_name"}
    for name, (table, column) in found.items():
        # The context is the column's own name: what the migration sealed existing rows with.
        assert table.c[column].type.context == name


def test_the_database_holds_only_sealed_bytes_in_every_sealed_column(app_ctx):
    fill_every_sealed_column()
    for name, (table, column) in _sealed_columns().items():
        raw = [v for v in db.session.scalars(select(type_coerce(table.c[column], LargeBinary))) if v is not None]
        if name == "evidence_file.original_name":
            continue  # no evidence files in this data: the evidence store's tests cover them
        assert raw, f"{name}: the test data never filled it"
        for value in raw:
            value = bytes(value)
            assert value.startswith(b"v1:test1:"), name
            for word in WORDS.values():
                assert word.encode() not in value, (name, word)


def test_python_still_sees_text_dates_and_documents(app_ctx):
    filled = fill_every_sealed_column()
    victim = db.session.scalar(select(Person).where(Person.report_id == filled.report_id,
                                                    Person.role == PersonRole.VICTIM))
    assert victim.name == WORDS["victim_name"] and victim.date_of_birth == date(1983, 11, 19)
    report = db.session.get(Report, filled.report_id)
    assert report.answers["contact"]["phone"] == WORDS["victim_phone"]
    assert report.parsed_answers().suspect.name == WORDS["suspect_name"]
    assert db.session.scalar(select(Incident.description)) == WORDS["incident_what"]
    update_row = db.session.scalar(select(ReportUpdate))
    assert update_row.contact().phone == WORDS["update_phone"]
    assert db.session.get(Draft, filled.draft_id).answers["impact"]["details"] == WORDS["draft_words"]
    assert db.session.get(StaffUser, filled.officer_id).totp_secret == filled.totp_secret
    case = db.session.get(Case, filled.case_id)
    assert (case.outcome_rationale, case.enhanced_rights_reason) == (WORDS["outcome_rationale"],
                                                                     WORDS["enhanced_reason"])


def test_comparing_a_sealed_column_is_refused_rather_than_silently_matching_nothing(app_ctx):
    with pytest.raises(EncryptedComparisonError):
        select(Person).where(Person.name == "Dan")
    with pytest.raises(EncryptedComparisonError):
        select(Person).where(Person.postcode.in_(["NT1 2AB"]))
    with pytest.raises(EncryptedComparisonError):
        select(Incident).where(Incident.description.like("%knife%"))
    # Whether a value is there at all is still a fair question.
    assert db.session.scalars(select(Person.id).where(Person.name.is_not(None), Person.address.is_(None))).all() == []


def test_a_sealed_value_copied_into_another_column_does_not_open(app_ctx):
    filled = fill_every_sealed_column()
    person = db.session.scalar(select(Person).where(Person.report_id == filled.report_id,
                                                    Person.role == PersonRole.SUSPECT))
    person_id = person.id
    table = Person.__table__
    name = db.session.scalar(select(type_coerce(table.c.name, LargeBinary)).where(table.c.id == person_id))
    db.session.execute(update(table).where(table.c.id == person_id)
                       .values(address=type_coerce(name, LargeBinary)))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(KeyRingError):
        db.session.scalar(select(Person.address).where(Person.id == person_id))


def test_case_lists_load_neither_answers_nor_officers_words(app_ctx):
    officer = make_officer()
    case = make_case(owner=officer)
    case_id = case.id
    referrals.make_referral(case.id, as_actor(officer), partner_code="paladin",
                            consent=referrals.ReferralConsent.NOT_ASKED, consent_note="Not safe to talk",
                            reason="Advocacy", expected_version=case.version)
    actor = as_actor(officer)
    db.session.remove()  # a fresh session, as a new request has
    loaded: list = []

    def keep(target, context):
        loaded.append(target)

    for model in (Report, Case, Referral):
        event.listen(model, "load", keep)
    try:
        rows = lists.my_cases(actor)
    finally:
        for model in (Report, Case, Referral):
            event.remove(model, "load", keep)
    assert [row.case.id for row in rows] == [case_id]
    unloaded = {type(obj).__name__: inspect(obj).unloaded for obj in loaded}
    assert set(unloaded) == {"Report", "Case", "Referral"}
    assert "answers" in unloaded["Report"]
    assert {"outcome_rationale", "enhanced_rights_reason"} <= unloaded["Case"]
    assert {"reason", "consent_note"} <= unloaded["Referral"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), document=st.dictionaries(st.text(max_size=20), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40), lambda inner: st.lists(inner, max_size=4),
    max_leaves=8), max_size=6), day=st.dates())
def test_every_value_seals_and_opens_to_itself(text, document, day):
    ring = KeyRing({"k1": bytes(range(32))}, "k1")
    for kind, value in ((EncryptedText("t.c"), text), (EncryptedJSON("t.c"), document), (EncryptedDate("t.c"), day)):
        token = kind.seal(value, ring)
        assert token.startswith(b"v1:k1:") and kind.unseal(token, ring) == value


def test_hostile_text_goes_through_the_database_whole(app_ctx):
    filled = fill_every_sealed_column()
    hostile = "\x00" + "12345678901234567890 " + "Zoë ☃ 𝔘 " * 2000 + "<script>alert(1)</script>"
    incident = db.session.scalar(select(Incident).where(Incident.report_id == filled.report_id))
    incident.description = hostile
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Incident.description).where(Incident.id == incident.id)) == hostile
