"""Test helpers for casework: a triaged report opened as a case, and signing in without the sign-in pages."""

from __future__ import annotations

import re

from app.extensions import db, limiter
from app.models import Case, Grade, NextStep, Role, StaffUser, TriageDecision
from app.services.casework.opening import open_case_from_triage
from tests.factories import as_actor, make_report, make_staff
from tests.staff_fixtures import make_enrolled_staff
from tests.staff_fixtures import sign_in as staff_sign_in

SAFE_CONTACT = {
    "safe": "some_ways", "ways": ["call", "letter"], "phone": "07700 900123", "voicemail": "no",
    "safe_times": "Weekdays 10am to 2pm", "code_word": "bluebell", "accounts_accessed": "not_sure",
}  # fmt: skip


def make_case(*, owner: StaffUser | None = None, priority_rank: int = 3, answers: dict | None = None,
              handler: StaffUser | None = None, classifications: list[str] | None = None,
              next_step: NextStep | None = None, rationale: str | None = None, **report_fields) -> Case:
    """A report triaged to the officer pool (or to `owner`, or `next_step`), opened as a case."""
    handler = handler or make_staff(role=Role.CALL_HANDLER)
    report = make_report(answers=answers if answers is not None else {"contact": dict(SAFE_CONTACT)},
                         priority_rank=priority_rank, **report_fields)
    decision = TriageDecision(
        report_id=report.id, decided_by_id=handler.id, report_version=report.version, grade=Grade.PRIORITY,
        classifications=classifications if classifications is not None else ["stalking_s2a"],
        next_step=next_step or (NextStep.NAMED_OFFICER if owner else NextStep.OFFICER_POOL),
        assigned_to_id=owner.id if owner else None, rationale=rationale,
    )
    db.session.add(decision)
    db.session.flush()
    case = open_case_from_triage(report, decision, as_actor(handler))
    db.session.commit()
    return case


def make_officer(role: Role = Role.OFFICER, **fields) -> StaffUser:
    """A staff member who can sign in (confirmed second factor)."""
    return make_enrolled_staff(role=role, **fields)


def sign_in(client, user: StaffUser) -> None:
    """Sign a test client in as `user` through the real sign-in page (issue 4's fixture)."""
    limiter.reset()
    response = staff_sign_in(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')




def token(client, path: str) -> str:
    """The CSRF token from a form on a page."""
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def version_on(client, path: str) -> int:
    """The case version a form page carries in its hidden field."""
    match = re.search(r'name="version" type="hidden" value="(\d+)"', client.get(path).get_data(as_text=True))
    assert match, f"no version field on {path}"
    return int(match.group(1))


def submit(client, path: str, data: dict, *, from_page: str | None = None):
    """Post a form as a browser would: with the page's CSRF token and, if it has one, its version."""
    page = client.get(from_page or path).get_data(as_text=True)
    fields = {"csrf_token": _CSRF.search(page).group(1)}
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    if version:
        fields["version"] = version.group(1)
    return client.post(path, data={**fields, **data})
