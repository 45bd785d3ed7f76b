"""Casework lists and pages as staff see them: timers on the UK clock, overdue first, reassignment, refer-only cases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Case, CaseStatus, NextStep, Referral, Role
from app.services.casework import claims
from tests.factories import as_actor, make_report
from tests.web.cases.helpers import make_case, make_officer, sign_in, submit

LONG_AGO = datetime(2025, 7, 7, 8, 0, tzinfo=UTC)  # a Monday in summer: 09:00 BST


def _set(case: Case, **fields) -> None:
    stored = db.session.get(Case, case.id)
    for name, value in fields.items():
        setattr(stored, name, value)
    db.session.commit()


def test_picking_up_from_the_pool_shows_in_progress(client):
    officer = make_officer()
    case = make_case()
    sign_in(client, officer)
    response = submit(client, f"/staff/cases/{case.id}/pick-up", {}, from_page="/staff/cases/pool")
    assert response.status_code == 302
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert re.search(r"Status</dt>\s*<dd[^>]*>In progress", page)
    assert "Status changed from new to in progress (picked up)" in page


def test_my_cases_and_the_case_page_show_overdue_timers_first_on_the_uk_clock(client):
    officer = make_officer()
    on_time = make_case(owner=officer)
    late = make_case(owner=officer, received_at=LONG_AGO)
    _set(late, update_due_from=LONG_AGO, acknowledged_at=LONG_AGO)
    sign_in(client, officer)
    mine = client.get("/staff/cases/mine").get_data(as_text=True)
    late_ref, on_time_ref = (db.session.get(Case, c.id).active_links[0] for c in (late, on_time))
    from app.models import Report

    refs = [db.session.get(Report, link.report_id).reference for link in (late_ref, on_time_ref)]
    assert mine.index(refs[0]) < mine.index(refs[1]), "the overdue case comes first"
    # Due one working day after Monday 09:00 BST: Tuesday 09:00 on the UK clock (08:00 UTC).
    assert "Overdue</strong> Update to the victim: Overdue since 8 Jul 2025 09:00" in mine
    page = client.get(f"/staff/cases/{late.id}").get_data(as_text=True)
    section = page[page.index('id="victims-code"'):page.index('id="reports"')]
    rows = re.findall(r'<td class="govuk-table__cell">([^<]+)</td>', section)
    assert rows[0] == "Update to the victim" and rows[-1] == "Written acknowledgement"  # overdue first, done last
    assert "Overdue since 8 Jul 2025 09:00" in section and "Done 7 July 2025" in section


def test_a_supervisor_sees_each_list_and_reassigns_to_a_veo_who_then_has_it(app, client):
    supervisor = make_officer(role=Role.SUPERVISOR)
    veo = make_officer(name="Val Engagement", is_veo=True)
    high = make_case(priority_rank=3)
    _set(high, risk_level="high")
    late = make_case(owner=make_officer())
    _set(late, update_due_from=LONG_AGO)
    overdue = make_report(awaiting_triage=True, priority_rank=2, sla_due_at=LONG_AGO)
    sign_in(client, supervisor)
    overview = client.get("/staff/cases/supervisor").get_data(as_text=True)
    by_risk = overview[overview.index("Open cases by risk level"):overview.index("Unassigned high-risk")]
    assert re.search(r"High</dt><dd[^>]*>1<", by_risk) and re.search(r"Not assessed</dt><dd[^>]*>1<", by_risk)
    unassigned = overview[overview.index("Unassigned high-risk"):overview.index("Overdue victim updates")]
    assert f"Case {high.id}<" in unassigned and f"Case {late.id}<" not in unassigned
    updates = overview[overview.index("Overdue victim updates"):overview.index("Overdue triage")]
    assert f"Case {late.id}<" in updates and f"Case {high.id}<" not in updates
    triage = overview[overview.index("Overdue triage"):overview.index("All open cases")]
    assert overdue.reference in triage and "7 Jul 2025 09:00" in triage

    form = client.get(f"/staff/cases/{high.id}/reassign").get_data(as_text=True)
    assert "Val Engagement (VEO)" in form
    response = submit(client, f"/staff/cases/{high.id}/reassign", {"officer": str(veo.id)})
    assert response.status_code == 302
    assert db.session.get(Case, high.id).status is CaseStatus.IN_PROGRESS

    veo_client = app.test_client()
    sign_in(veo_client, veo)
    mine = veo_client.get("/staff/cases/mine").get_data(as_text=True)
    assert f'href="/staff/cases/{high.id}"' in mine
    case_page = veo_client.get(f"/staff/cases/{high.id}").get_data(as_text=True)
    assert "Record a contact attempt" in case_page, "the new owner can work the case"


def test_a_refer_only_case_is_clear_in_the_pool_and_on_the_case_page(client):
    officer = make_officer()
    case = make_case(next_step=NextStep.REFER_ONLY, rationale="Wants advocacy only")
    sign_in(client, officer)
    pool = client.get("/staff/cases/pool").get_data(as_text=True)
    assert "Referral only" in pool
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Opened for a referral only." in page and "Wants advocacy only" in page
    assert "Case opened in the officer pool for a referral only (no investigation)" in page
    claims.claim_case(case.id, as_actor(officer))
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert f'href="/staff/cases/{case.id}/referrals/new">Make a referral</a>' in page


def test_the_referral_summary_holds_only_what_the_partner_needs_with_dates(client):
    officer = make_officer(name="Olivia Officer")
    answers = {
        "contact": {"safe": "some_ways", "ways": ["call"], "phone": "07700 900123", "voicemail": "no",
                    "code_word": "bluebell"},
        "about_you": {"name": "Alex Example", "address": "1 Secret Lane", "date_of_birth": "1990-01-01"},
        "incidents": [{"what": "He followed me to the station"}],
        "suspect": {"name": "Sam Suspect"},
        "evidence": {"description": "Screenshots of 200 messages"},
        "children": {"in_household": "yes"},
    }
    case = make_case(owner=officer, answers=answers)
    sign_in(client, officer)
    submit(client, f"/staff/cases/{case.id}/referrals/new", {"partner": "paladin", "consent": "given",
                                                       "reason": "High risk stalking"})
    referral = db.session.scalar(select(Referral))
    submit(client, f"/staff/cases/{case.id}/referrals/{referral.id}/status", {"status": "sent"})
    summary = client.get(f"/staff/cases/{case.id}/referrals/{referral.id}/summary").get_data(as_text=True)
    for needed in ("Alex Example", "High risk stalking", "07700 900123", "bluebell", "Olivia Officer",
                   "No voicemail", "Given (recorded", "; sent ", "Children in the household"):
        assert needed in summary, needed
    for private in ("1 Secret Lane", "followed me", "Sam Suspect", "Screenshots", "1990"):
        assert private not in summary, private
