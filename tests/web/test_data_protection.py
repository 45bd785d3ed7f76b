"""A copy of the database gives nothing away, secrets never reach logs or the audit trail, victims leave no address.

One whole flow through the real routes: a victim reports online (saving and resuming with a return code on
another device), comes back to add to the report and change the contact rules; a new call handler signs in for
the first time and sets up the authenticator, then triages; an officer works the case (note, contact, referral).
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from dataclasses import dataclass, field

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import AuditEvent, CaseReport, Role
from tests.factories import DEFAULT_PASSWORD, make_staff
from tests.staff_fixtures import csrf_token, current_code, make_enrolled_staff, next_code
from tests.web.public.helpers import FULL_ANSWERS, csrf_from, submit

VICTIM_IP = "203.0.113.7"
STAFF_IP = "198.51.100.9"
SAVE_PASSPHRASE = "copper kettle on the windowsill"
REPORT_PASSPHRASE = "seven herons over the reservoir"
NEW_STAFF_PASSWORD = "a brand new staff passphrase"

# What the person typed that names or describes anyone, or says what happened.
WORDS = {
    "victim_name": "Rhiannon Featherstonehaugh",
    "victim_address": "27 Cobblestone Wynd, Northtown",
    "victim_phone": "07700 900318",
    "victim_email": "rhiannon.f@example.net",
    "suspect_name": "Barnaby Quillfeather",
    "suspect_alias": "Barney Q",
    "suspect_address": "3 Tannery Row, Northtown",
    "incident": "Sprayed my name on the bus shelter opposite",
    "incident_where": "The bus shelter on Cobblestone Wynd",
    "witnesses": "The driver of the number 42",
    "impact": "I stopped taking the bus to work",
    "code_word": "pomegranate",
    "added_incident": "Waited by my sister's gate at midnight",
    "evidence_name": "Chat with Danny Okonkwo.txt",
    "new_phone": "07700 900654",
    "thrive": "Escalating fixation since the divorce hearing",
    "rationale": "Second report this month from the same street",
    "note": "Neighbour at number 29 has camera footage of the van",
    "contact_summary": "Agreed to call back on Thursday afternoon",
    "referral_reason": "Wants an advocate before the trial date",
    "consent_note": "Not safe to ask while he is in the house",
}


def _answers() -> list[tuple[str, dict]]:
    """The journey's full answers, with this test's words in place of the shared ones."""
    pages = {url: dict(data) for url, data in FULL_ANSWERS}
    pages["/report/incidents/add"].update(what=WORDS["incident"], where=WORDS["incident_where"],
                                          witnesses=WORDS["witnesses"])
    pages["/report/the-person/who-they-are"].update(name=WORDS["suspect_name"], other_names=WORDS["suspect_alias"],
                                                    address=WORDS["suspect_address"])
    pages["/report/impact"].update(details=WORDS["impact"])
    pages["/report/about-you"].update(name=WORDS["victim_name"], address=WORDS["victim_address"])
    pages["/report/safe-contact"].update(ways=["call", "email"], accounts_accessed="no")
    pages["/report/safe-contact/details"].update(phone=WORDS["victim_phone"], email=WORDS["victim_email"],
                                                 code_word=WORDS["code_word"])
    return list(pages.items())


@dataclass
class Flow:
    reference: str = ""
    return_code: str = ""
    totp_secret: str = ""
    totp_codes: list[str] = field(default_factory=list)
    report_id: int = 0
    case_id: int = 0
    handler_email: str = ""
    officer_email: str = ""
    officer_secret: str = ""


# A chat exported from a phone, as a victim would upload it: its words must be nowhere in a copy of the data.
EVIDENCE_BYTES = (b"12/03/2025, 21:14 - Danny: I know you are at your sister's tonight\n"
                  b"12/03/2025, 21:15 - Danny: Zephyrine Quattlebaum will not hide you\n")


def _upload_store(app) -> bytes:
    """Every file under the upload folder (the filesystem store's copy of the evidence)."""
    from pathlib import Path

    root = Path(app.config["UPLOAD_DIR"])
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


def _client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _victim_client(app):
    return _client_from(app, VICTIM_IP)


def _staff_client(app):
    return _client_from(app, STAFF_IP)


def _panel_value(html: str) -> str:
    """The code or reference a confirmation panel shows (once)."""
    return re.search(r'<strong class="force-nowrap">([^<]+)</strong>', html).group(1)


def run_full_flow(app) -> Flow:
    """Everything a report goes through, each step by its real route."""
    flow = Flow()
    limiter.reset()
    victim = _victim_client(app)
    answers = _answers()
    for url, data in answers[:12]:
        assert submit(victim, url, data).status_code == 302, url
    saved = submit(victim, "/report/save?from=/report/impact", {"passphrase": SAVE_PASSPHRASE})
    flow.return_code = _panel_value(saved.get_data(as_text=True))

    # Carry on from another device with the return code and passphrase.
    phone = _victim_client(app)
    resumed = submit(phone, "/report/resume", {"code": flow.return_code, "passphrase": SAVE_PASSPHRASE})
    assert resumed.status_code == 302, resumed.get_data(as_text=True)[:2000]
    for url, data in answers[12:]:
        assert submit(phone, url, data).status_code == 302, url
    sent = submit(phone, "/report/send", {"declaration": "y", "passphrase": REPORT_PASSPHRASE}, follow=True)
    flow.reference = _panel_value(sent.get_data(as_text=True))

    # Come back: add an incident, then new contact rules.
    later = _victim_client(app)
    signed = submit(later, "/report/your-report/sign-in", {"reference": flow.reference,
                                                           "passphrase": REPORT_PASSPHRASE})
    assert signed.status_code == 302
    chat = io.BytesIO(EVIDENCE_BYTES)
    assert submit(later, "/report/your-report/add", {"when": "last night", "what": WORDS["added_incident"],
                                                      "files": (chat, WORDS["evidence_name"])}).status_code == 302
    changed = submit(later, "/report/your-report/safe-contact", {
        "safe": "some_ways", "ways": ["call", "email"], "phone": WORDS["new_phone"], "email": WORDS["victim_email"],
        "code_word": WORDS["code_word"], "voicemail": "no", "accounts_accessed": "no"})
    assert changed.status_code == 302, changed.get_data(as_text=True)[:3000]

    # A new call handler's first sign-in: set up the authenticator from the secret the page shows.
    handler = make_staff(role=Role.CALL_HANDLER, must_change_password=True)
    flow.handler_email = handler.email
    desk = _staff_client(app)
    first = desk.post("/staff/sign-in", data={"csrf_token": csrf_token(desk, "/staff/sign-in"),
                                              "email": handler.email, "password": DEFAULT_PASSWORD, "code": ""})
    assert first.headers["Location"] == "/staff/set-up-authenticator"
    page = desk.get("/staff/set-up-authenticator").get_data(as_text=True)
    flow.totp_secret = re.search(r"((?:[A-Z2-7]{4} ){3,}[A-Z2-7]{1,4})", page).group(1).replace(" ", "")
    code = pyotp.TOTP(flow.totp_secret).now()
    flow.totp_codes.append(code)
    confirmed = desk.post("/staff/set-up-authenticator", data={
        "csrf_token": csrf_token(desk, "/staff/set-up-authenticator"), "code": code})
    assert confirmed.headers["Location"] == "/staff"
    changed = desk.post("/staff/change-password", data={
        "csrf_token": csrf_token(desk, "/staff/change-password"), "current_password": DEFAULT_PASSWORD,
        "new_password": NEW_STAFF_PASSWORD, "confirm_password": NEW_STAFF_PASSWORD})
    assert changed.headers["Location"] == "/staff"

    # Triage, to a named officer.
    officer = make_enrolled_staff(role=Role.OFFICER)
    flow.officer_email, flow.officer_secret = officer.email, officer.totp_secret or ""
    queue = desk.get("/staff/triage").get_data(as_text=True)
    flow.report_id = int(re.search(r'/staff/triage/reports/(\d+)', queue).group(1))
    path = f"/staff/triage/reports/{flow.report_id}"
    desk.post(f"{path}/claim", data={"csrf_token": csrf_token(desk, path)})
    opened = desk.get(path).get_data(as_text=True)
    decided = desk.post(f"{path}/decision", data={
        "csrf_token": csrf_from(opened),
        "report_version": re.search(r'name="report_version" type="hidden" value="([^"]*)"', opened).group(1),
        "seen_update": re.search(r'name="seen_update" type="hidden" value="([^"]*)"', opened).group(1),
        "threat": WORDS["thrive"], "grade": "priority", "classifications": ["s4A"], "next_step": "named_officer",
        "assigned_to": str(officer.id), "rationale": WORDS["rationale"]})
    assert decided.headers["Location"] == "/staff/triage", decided.get_data(as_text=True)[:3000]
    flow.case_id = db.session.scalar(select(CaseReport.case_id).where(CaseReport.report_id == flow.report_id))

    # Casework: a note, a contact attempt, a referral.
    desk2 = _staff_client(app)
    signed_in = desk2.post("/staff/sign-in", data={"csrf_token": csrf_token(desk2, "/staff/sign-in"),
                                                   "email": officer.email, "password": DEFAULT_PASSWORD,
                                                   "code": current_code(officer.totp_secret)})
    assert signed_in.status_code == 302
    case = f"/staff/cases/{flow.case_id}"
    for path, data in ((f"{case}/notes/new", {"body": WORDS["note"]}),
                       (f"{case}/contact-attempts/new", {"channel": "phone_call", "outcome": "spoke_to_victim",
                                                         "summary": WORDS["contact_summary"]}),
                       (f"{case}/referrals/new", {"partner": "paladin", "consent": "not_asked",
                                                  "consent_note": WORDS["consent_note"],
                                                  "reason": WORDS["referral_reason"]})):
        page = desk2.get(path).get_data(as_text=True)
        fields = {"csrf_token": csrf_from(page)}
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
        if version:
            fields["version"] = version.group(1)
        response = desk2.post(path, data={**fields, **data})
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:3000])
    return flow


def _secrets(flow: Flow) -> dict[str, str]:
    return {
        "totp secret": flow.totp_secret,
        "return code": flow.return_code,
        "return code (compact)": flow.return_code.replace("-", ""),
        "save passphrase": SAVE_PASSPHRASE,
        "report passphrase": REPORT_PASSPHRASE,
        "staff password": DEFAULT_PASSWORD,
        "new staff password": NEW_STAFF_PASSWORD,
    }


def _forms(value: str) -> list[bytes]:
    """How a value would look if it were stored in clear: as UTF-8, as hex (pg_dump's bytea), JSON-escaped."""
    escaped = json.dumps(value)[1:-1]
    forms = {value.encode(), value.encode().hex().encode(), escaped.encode()}
    return [form for form in forms if form]


def _database_copy() -> bytes:
    """What a stolen backup holds: pg_dump of the database, or the SQLite file's bytes."""
    db.session.remove()
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        target = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return subprocess.run(["pg_dump", "--data-only", "--no-owner", f"--dbname={target}"], check=True,
                              capture_output=True, timeout=120).stdout
    with open(url.database, "rb") as handle:
        return handle.read()


def test_a_copy_of_the_database_holds_none_of_the_report_and_staff_still_read_all_of_it(app_ctx):
    flow = run_full_flow(app_ctx)
    dump = _database_copy()

    # The copy is real and whole: clear columns are there, and so are the sealed values.
    assert flow.reference.encode() in dump and flow.handler_email.encode() in dump
    assert b"v1:test1:" in dump or b"v1:test1:".hex().encode() in dump
    assert STAFF_IP.encode() in dump  # staff audit events keep their address (for AUDIT_IP_RETENTION_DAYS)
    uploads = _upload_store(app_ctx)
    for name, value in {**WORDS, **_secrets(flow), "victim address": VICTIM_IP}.items():
        for form in _forms(value):
            assert form not in dump, f"{name} is readable in a copy of the database ({form[:40]!r})"
            assert form not in uploads, f"{name} is readable in the upload folder"
    for line in EVIDENCE_BYTES.splitlines():
        assert line not in dump and line.hex().encode() not in dump, "the evidence is readable in the database"
        assert line not in uploads, "the evidence is readable in the upload folder"

    # The right staff still see every word.
    limiter.reset()
    desk = _staff_client(app_ctx)
    signed = desk.post("/staff/sign-in", data={"csrf_token": csrf_token(desk, "/staff/sign-in"),
                                               "email": flow.handler_email, "password": NEW_STAFF_PASSWORD,
                                               "code": next_code(flow.totp_secret)})
    assert signed.status_code == 302  # the sealed TOTP secret still makes the right codes
    report_page = desk.get(f"/staff/triage/reports/{flow.report_id}").get_data(as_text=True)
    # (The first phone number is not among them: the victim's newer rules replace it on staff pages.)
    for name in ("victim_name", "victim_address", "victim_email", "suspect_name", "suspect_alias",
                 "suspect_address", "incident", "incident_where", "witnesses", "impact", "code_word",
                 "added_incident", "new_phone", "thrive", "rationale"):
        assert _html(WORDS[name]) in report_page, name
    assert _html(WORDS["evidence_name"]) in report_page  # its name, sealed at rest, reads back for staff
    officer = _staff_client(app_ctx)
    officer.post("/staff/sign-in", data={"csrf_token": csrf_token(officer, "/staff/sign-in"),
                                         "email": flow.officer_email, "password": DEFAULT_PASSWORD,
                                         "code": next_code(flow.officer_secret)})
    case_page = officer.get(f"/staff/cases/{flow.case_id}").get_data(as_text=True)
    for name in ("note", "contact_summary", "consent_note", "new_phone"):
        assert _html(WORDS[name]) in case_page, name
    referral = re.search(rf"/staff/cases/{flow.case_id}/referrals/(\d+)/summary", case_page).group(0)
    assert _html(WORDS["referral_reason"]) in officer.get(referral).get_data(as_text=True)
    # A call handler who is not on the case cannot open it.
    assert desk.get(f"/staff/cases/{flow.case_id}").status_code == 403


def _html(text: str) -> str:
    return text.replace("'", "&#39;")


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs(app_ctx):
    """Everything any logger writes, at its most talkative (the app's logger does not propagate)."""
    collector = Collector()
    collector.setFormatter(logging.Formatter("%(name)s %(message)s"))
    # sqlalchemy.engine too: Alembic's logging set-up gives it a level of its own (WARN), which would hide the SQL.
    loggers = [logging.getLogger(), app_ctx.logger, logging.getLogger("sqlalchemy"),
               logging.getLogger("sqlalchemy.engine"), logging.getLogger("werkzeug")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        logger.setLevel(logging.DEBUG)
    yield collector
    for logger, level in saved:
        logger.removeHandler(collector)
        logger.setLevel(level)


def test_no_secret_reaches_a_log_or_the_audit_trail_and_victims_leave_no_address(app_ctx, all_logs):
    flow = run_full_flow(app_ctx)
    logged = "\n".join(all_logs.lines)
    # The collector hears the app working: every statement the engine ran is in the logs.
    assert "INSERT INTO report " in logged and "INSERT INTO case_note " in logged
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    trail = json.dumps([[e.action, e.actor_label, e.record_type, e.details] for e in events], ensure_ascii=False)
    assert "report.submit" in trail and "auth.enrolment_confirmed" in trail and "case.referral_made" in trail

    for name, value in {**_secrets(flow), **WORDS}.items():
        assert value not in logged, f"{name} reached the logs"
        assert value not in trail, f"{name} reached the audit trail"
    for code in flow.totp_codes:
        assert not re.search(rf"(?<!\d){code}(?!\d)", logged + trail), "a security code was recorded"

    # Victims' actions are recorded as "victim", never with where they were; staff keep their address (for now).
    victim_events = [e for e in events if e.actor_label == "victim"]
    assert {e.action for e in victim_events} == {"report.submit", "report.update"}
    assert len(victim_events) == 3 and all(e.ip_address is None for e in victim_events)
    assert VICTIM_IP not in trail and not any(e.ip_address == VICTIM_IP for e in events)
    staff_events = [e for e in events if e.actor_id is not None]
    assert staff_events and all(e.ip_address == STAFF_IP for e in staff_events)
    # Nor do the rate limits keep a victim's address or the return code they typed.
    stored = repr(vars(limiter.storage))
    assert "resume" in stored  # the limiter did count the resume attempt
    for value in (VICTIM_IP, flow.return_code, flow.return_code.replace("-", ""), flow.reference):
        assert value not in stored, value
