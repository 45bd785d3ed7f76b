"""Casework pages through the real routes: each role's access, the audit trail, kept answers, stale saves."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Case, CaseNote, ContactAttempt, Referral, Role
from tests.factories import as_actor
from tests.web.cases.helpers import make_case, make_officer, sign_in, submit, token

PAGES = [
    "/staff/cases/{id}", "/staff/cases/{id}/risk-assessment/dash",
    "/staff/cases/{id}/risk-assessment/stalking-screen", "/staff/cases/{id}/referrals/new",
    "/staff/cases/{id}/contact-attempts/new", "/staff/cases/{id}/notes/new", "/staff/cases/{id}/status",
    "/staff/cases/{id}/enhanced-rights", "/staff/cases/{id}/links/new",
]


def test_every_casework_route_carries_exactly_one_role_check(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("cases."):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "allowed_roles", None), f"{rule.rule} has no role_required"
            assert Role.CALL_HANDLER not in view.allowed_roles
            path = re.sub(r"<[^>]+>", "", rule.rule)
            assert path == path.lower() and "_" not in path, f"{rule.rule} is not kebab-case"


@pytest.mark.parametrize("path", ["/staff/cases/pool", "/staff/cases/mine", "/staff/cases/supervisor",
                                  "/staff/cases/1", "/staff/cases/1/status"])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("role", "own", "status"), [
    (Role.OFFICER, True, 200),
    (Role.OFFICER, False, 403),      # another officer's case
    (Role.SUPERVISOR, False, 200),
    (Role.ADMIN, False, 200),
    (Role.CALL_HANDLER, False, 403),
])  # fmt: skip
def test_who_can_open_a_cases_pages(client, role, own, status):
    owner = make_officer()
    case = make_case(owner=owner)
    sign_in(client, owner if own else make_officer(role=role))
    for page in PAGES:
        assert client.get(page.format(id=case.id)).status_code == status, page


@pytest.mark.parametrize(("role", "status"), [(Role.OFFICER, 200), (Role.SUPERVISOR, 403), (Role.ADMIN, 403),
                                              (Role.CALL_HANDLER, 403)])
def test_my_cases_is_for_officers(client, role, status):
    sign_in(client, make_officer(role=role))
    assert client.get("/staff/cases/mine").status_code == status


@pytest.mark.parametrize(("role", "status"), [(Role.OFFICER, 403), (Role.SUPERVISOR, 200), (Role.ADMIN, 200),
                                              (Role.CALL_HANDLER, 403)])
def test_supervisor_views_are_for_supervisors_and_admins(client, role, status):
    case = make_case(priority_rank=1)
    sign_in(client, make_officer(role=role))
    assert client.get("/staff/cases/supervisor").status_code == status
    assert client.get(f"/staff/cases/{case.id}/reassign").status_code == status


def test_an_officer_sees_a_pool_case_but_cannot_change_it_until_picking_it_up(client):
    officer = make_officer()
    case = make_case()
    sign_in(client, officer)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Pick up this case" in page and "Record a contact attempt" not in page
    assert client.get(f"/staff/cases/{case.id}/notes/new").status_code == 403
    response = submit(client, f"/staff/cases/{case.id}/pick-up", {}, from_page="/staff/cases/pool")
    assert response.status_code == 302
    assert client.get(f"/staff/cases/{case.id}/notes/new").status_code == 200


def test_losing_a_pick_up_race_names_who_has_it(client):
    winner = make_officer(name="Alice Winner")
    case = make_case()
    sign_in(client, make_officer())
    csrf = token(client, "/staff/cases/pool")
    from app.services.casework.claims import claim_case

    claim_case(case.id, as_actor(winner))
    response = client.post(f"/staff/cases/{case.id}/pick-up", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Alice Winner picked up this case" in response.get_data(as_text=True)
    assert db.session.get(Case, case.id).owner_id == winner.id


def test_views_and_changes_are_audited_without_free_text(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    client.get(f"/staff/cases/{case.id}")
    submit(client, f"/staff/cases/{case.id}/notes/new", {"body": "Victim's neighbour saw him at 2am"})
    submit(client, f"/staff/cases/{case.id}/contact-attempts/new",
           {"channel": "text", "outcome": "message_sent", "override_reason": "Victim asked for a text today"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.record_type == "case")).all()
    actions = [e.action for e in events]
    for action in ("case.viewed", "case.note_added", "case.contact_recorded", "case.unsafe_channel_override"):
        assert action in actions
    assert all(e.actor_id == officer.id for e in events if e.action != "case.opened")
    dump = repr([(e.action, e.details) for e in events])
    assert "neighbour" not in dump and "Victim asked" not in dump


def test_a_refused_view_is_audited(client):
    case = make_case(owner=make_officer())
    outsider = make_officer()
    sign_in(client, outsider)
    assert client.get(f"/staff/cases/{case.id}").status_code == 403
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.view_refused")).all()
    assert [(e.actor_id, e.record_id) for e in refused] == [(outsider.id, case.id)]


def test_an_unsafe_channel_warns_and_keeps_what_was_entered(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    response = submit(client, f"/staff/cases/{case.id}/contact-attempts/new",
                      {"channel": "email", "outcome": "message_sent", "summary": "Sent the update letter by email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert "The victim marked email as unsafe" in page
    assert "Sent the update letter by email" in page
    assert 'value="email" checked' in page
    assert db.session.scalar(select(ContactAttempt.id)) is None


def test_a_stale_save_is_refused_with_a_clear_message(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    form_page = f"/staff/cases/{case.id}/status"
    page = client.get(form_page).get_data(as_text=True)
    supervisor = make_officer(role=Role.SUPERVISOR)
    from app.models import CaseStatus
    from app.services.casework.status import change_status

    change_status(case.id, as_actor(supervisor), status=CaseStatus.AWAITING_CHARGE_DECISION,
                  expected_version=case.version)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(form_page, data={"csrf_token": token, "version": version, "status": "charged"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Someone else changed this case after you opened it" in text
    assert 'value="charged" checked' in text
    assert db.session.get(Case, case.id).status is CaseStatus.AWAITING_CHARGE_DECISION


def test_risk_assessment_form_round_trip(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    answers = {f"item_{n}": "no" for n in range(1, 12)}
    answers["item_1"] = "yes"
    path = f"/staff/cases/{case.id}/risk-assessment/stalking-screen"
    response = submit(client, path, answers)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "1 yes answers" in page and "professional judgement" in page
    response = submit(client, path, {**answers, "judgement_level": "high", "judgement_reason": "Fixated"})
    assert response.status_code == 302
    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Refer to Paladin" in case_page
    assert "stalking-screen version 1" in case_page


def test_referral_and_summary_pages(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    response = submit(client, f"/staff/cases/{case.id}/referrals/new", {"consent": "refused"})
    assert response.status_code == 400
    assert "Select a partner agency" in response.get_data(as_text=True)
    response = submit(client, f"/staff/cases/{case.id}/referrals/new", {"partner": "local_stepping_stones",
                                                                  "consent": "given", "reason": "Advocacy"})
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.partner_name == "Stepping Stones"
    response = submit(client, f"/staff/cases/{case.id}/referrals/{referral.id}/status", {"status": "sent"})
    assert response.status_code == 302
    summary = client.get(f"/staff/cases/{case.id}/referrals/{referral.id}/summary").get_data(as_text=True)
    assert "Referral to Stepping Stones" in summary and "Advocacy" in summary


def test_notes_can_be_corrected_but_not_edited(client):
    officer = make_officer()
    case = make_case(owner=officer)
    sign_in(client, officer)
    submit(client, f"/staff/cases/{case.id}/notes/new", {"body": "Met at the station"})
    note = db.session.scalar(select(CaseNote))
    path = f"/staff/cases/{case.id}/notes/new?corrects={note.id}"
    response = submit(client, path, {"body": "Met at the bus station", "corrects": str(note.id)})
    assert response.status_code == 302
    notes = db.session.scalars(select(CaseNote).order_by(CaseNote.id)).all()
    assert [(n.body, n.corrects_id) for n in notes] == [("Met at the station", None),
                                                         ("Met at the bus station", note.id)]


def test_supervisor_reassigns(client):
    case = make_case(priority_rank=1)
    officer = make_officer(name="Bob Officer")
    sign_in(client, make_officer(role=Role.SUPERVISOR))
    overview = client.get("/staff/cases/supervisor").get_data(as_text=True)
    assert "Unassigned high-risk or urgent cases" in overview and f"Case {case.id}" in overview
    response = submit(client, f"/staff/cases/{case.id}/reassign", {"officer": str(officer.id)})
    assert response.status_code == 302
    assert db.session.get(Case, case.id).owner_id == officer.id
