"""Officers read a case's reports whole, safe contact first, and its evidence, only through cases they may see."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, EvidenceFile, Incident, Role
from tests.evidence_helpers import make_evidence
from tests.factories import make_report
from tests.web.cases.helpers import SAFE_CONTACT, make_case, make_officer, sign_in

ANSWERS = {"contact": dict(SAFE_CONTACT), "suspect": {"name": "Alex Smith", "relationship": "ex_partner"}}


def _first_report_id(case) -> int:
    return case.active_links[0].report_id


def _evidence(app, report_id: int) -> EvidenceFile:
    return make_evidence(report_id=report_id, data=b"%PDF-1.4 diary", name="diary.pdf")


def test_the_owner_reads_the_whole_report_with_safe_contact_first(client, app_ctx):
    officer = make_officer()
    case = make_case(owner=officer, answers=ANSWERS)
    report_id = _first_report_id(case)
    db.session.add(Incident(report_id=report_id, when_text="about March 2025", description="Waited outside work"))
    db.session.commit()
    row = _evidence(app_ctx, report_id)
    sign_in(client, officer)

    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert f"/staff/cases/{case.id}/reports/{report_id}" in case_page

    response = client.get(f"/staff/cases/{case.id}/reports/{report_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Safe contact rules") < html.index("Waited outside work")
    assert "Alex Smith" in html and "diary.pdf" in html
    assert f"/staff/triage/reports/{report_id}/evidence/{row.id}" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.view"))
    assert (event.actor_id, event.record_id, event.details["purpose"]) == (officer.id, report_id, "casework")

    download = client.get(f"/staff/triage/reports/{report_id}/evidence/{row.id}")
    download.close()
    assert download.status_code == 200


def test_another_officer_cannot_read_an_owned_case_report_or_its_evidence(client, app_ctx):
    owner, other = make_officer(), make_officer()
    case = make_case(owner=owner, answers=ANSWERS)
    report_id = _first_report_id(case)
    row = _evidence(app_ctx, report_id)
    sign_in(client, other)
    assert client.get(f"/staff/cases/{case.id}/reports/{report_id}").status_code == 403
    download = client.get(f"/staff/triage/reports/{report_id}/evidence/{row.id}")
    download.close()
    assert download.status_code == 404


def test_a_report_outside_the_case_is_not_found(client):
    officer = make_officer()
    case = make_case(owner=officer, answers=ANSWERS)
    stranger = make_report()
    sign_in(client, officer)
    assert client.get(f"/staff/cases/{case.id}/reports/{stranger.id}").status_code == 404


def test_officers_cannot_reach_evidence_of_reports_in_no_case(client, app_ctx):
    officer = make_officer()
    loose = make_report()
    row = _evidence(app_ctx, loose.id)
    sign_in(client, officer)
    response = client.get(f"/staff/triage/reports/{loose.id}/evidence/{row.id}")
    response.close()
    assert response.status_code == 404
    # A supervisor (who triages too) still can.
    supervisor = make_officer(role=Role.SUPERVISOR)
    other = app_ctx.test_client()
    sign_in(other, supervisor)
    allowed = other.get(f"/staff/triage/reports/{loose.id}/evidence/{row.id}")
    allowed.close()
    assert allowed.status_code == 200
