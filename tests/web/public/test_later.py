"""Save and come back, idle expiry, exit, uploads, adding to a report and seeing its status."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.extensions import db, limiter
from app.models import Draft, EvidenceFile, Incident, Report, ReportUpdate
from app.models.types import utcnow
from app.services import drafts
from config import TestConfig
from tests.conftest import make_test_app
from tests.evidence_helpers import bytes_stored, read_back
from tests.web.public.helpers import answer_everything, submit

PASSPHRASE = "purple elephant umbrella"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EML = b"From: someone@example.com\r\nTo: me@example.com\r\nSubject: hello\r\n\r\nBody\r\n"


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def start(client):
    submit(client, "/report/start", {"danger": "no"})
    return db.session.scalar(select(Draft))


def save(client) -> str:
    response = submit(client, "/report/save?from=/report/impact", {"passphrase": PASSPHRASE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your answers are saved" in html
    code = re.search(r'<strong class="force-nowrap">([^<]+)</strong>', html).group(1)
    draft = db.session.scalar(select(Draft))
    # Shown once, never stored: only its keyed hash is kept.
    assert draft.return_code_hash == drafts.return_code_hash(code) and "We will keep your answers until" in html
    return code


def test_save_and_resume_on_another_device(app, client):
    start(client)
    submit(client, "/report/impact", {"details": "I stopped going out"})
    code = save(client)
    # The saving browser no longer holds the draft.
    assert client.get("/report/impact").headers["Location"] == "/report/start"

    other = app.test_client()
    wrong = submit(other, "/report/resume", {"code": code, "passphrase": "not the passphrase"})
    assert "do not match our records" in wrong.get_data(as_text=True)
    right = submit(other, "/report/resume", {"code": code.lower().replace("-", " "), "passphrase": PASSPHRASE})
    assert right.headers["Location"] == "/report/check-answers"
    assert "I stopped going out" in other.get("/report/impact").get_data(as_text=True)


def test_resume_gives_one_message_for_any_wrong_detail(client):
    start(client)
    code = save(client)
    messages = set()
    for data in [{"code": code, "passphrase": "wrong wrong wrong"}, {"code": "ZZZ-ZZZ-ZZZ", "passphrase": PASSPHRASE}]:
        html = submit(client, "/report/resume", data).get_data(as_text=True)
        messages.add("The details you entered do not match our records" in html)
    assert messages == {True}


def test_resume_is_rate_limited_per_code_and_per_client(app, client):
    start(client)
    code = save(client)
    app.config["LATER_RATE_LIMIT_CODE"] = "3 per minute"
    try:
        statuses = [submit(client, "/report/resume", {"code": code, "passphrase": "wrong wrong wrong"}).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        # The right passphrase is refused too while the code is limited.
        assert submit(client, "/report/resume", {"code": code, "passphrase": PASSPHRASE}).status_code == 429
    finally:
        app.config["LATER_RATE_LIMIT_CODE"] = TestConfig.LATER_RATE_LIMIT_CODE  # back to the configured value
    limiter.reset()
    app.config["LATER_RATE_LIMIT_CLIENT"] = "2 per minute"
    try:
        statuses = [submit(client, "/report/resume", {"code": f"AB{n}-CDE-FGH", "passphrase": "x"}).status_code
                    for n in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        app.config["LATER_RATE_LIMIT_CLIENT"] = TestConfig.LATER_RATE_LIMIT_CLIENT  # back to the configured value


def test_idle_unsaved_draft_is_deleted_on_access(client):
    draft = start(client)
    draft.expires_at = draft.last_active_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get("/report/impact")
    assert response.headers["Location"] == "/report/timed-out"
    assert db.session.scalar(select(func.count(Draft.id))) == 0
    assert "We deleted your answers" in client.get("/report/timed-out").get_data(as_text=True)


def test_idle_saved_draft_is_kept_but_needs_the_code_again(client):
    draft = start(client)
    drafts.save_for_later(draft, PASSPHRASE)
    draft.last_active_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert client.get("/report/impact").headers["Location"] == "/report/timed-out"
    db.session.expire_all()
    kept = db.session.scalar(select(Draft))
    assert kept is not None and kept.session_token_hash is None


def test_purge_drafts_command_deletes_expired_drafts_and_files(app, client):
    draft = start(client)
    submit(client, "/report/evidence", {"files": (io.BytesIO(PNG), "photo.png")},
           content_type="multipart/form-data")
    stored = db.session.scalar(select(EvidenceFile))
    assert bytes_stored(stored)
    fresh = Draft(answers={}, submission_key="f" * 64, last_active_at=utcnow(),
                  expires_at=utcnow() + timedelta(minutes=30))
    db.session.add(fresh)
    draft.expires_at = draft.last_active_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert "Deleted 1 expired draft." in result.output
    assert [d.submission_key for d in db.session.scalars(select(Draft))] == ["f" * 64]
    assert not bytes_stored(stored)


def test_exit_deletes_the_unsaved_draft(client):
    start(client)
    assert client.get("/exit").status_code == 303
    assert db.session.scalar(select(func.count(Draft.id))) == 0


def test_keep_alive_resets_the_idle_timer(client):
    draft = start(client)
    draft.last_active_at = utcnow() - timedelta(minutes=20)
    db.session.commit()
    page = client.get("/report/impact").get_data(as_text=True)
    assert 'id="force-timeout"' in page and 'data-idle-seconds="1800"' in page
    from tests.web.public.helpers import csrf_from

    response = client.post("/report/keep-alive", headers={"X-CSRFToken": csrf_from(page)})
    assert response.status_code == 200
    db.session.expire_all()
    assert utcnow() - db.session.scalar(select(Draft)).last_active_at < timedelta(minutes=1)


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("photo.png", PNG, "image/png"), ("letter.pdf", PDF, "application/pdf"), ("message.eml", EML, "message/rfc822"),
])
def test_uploads_are_typed_by_content_and_stored_privately(app, client, name, content, kind):
    start(client)
    response = submit(client, "/report/evidence", {"action": "upload", "files": (io.BytesIO(content), name)},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    row = db.session.scalar(select(EvidenceFile))
    assert row.content_type == kind and row.original_name == name and row.size_bytes == len(content)
    assert read_back(row) == content
    page = client.get("/report/evidence").get_data(as_text=True)
    assert name in page and row.storage_key not in page
    assert client.get(f"/static/{row.storage_key}").status_code == 404


def test_wrong_type_and_oversize_uploads_are_refused_clearly(app, client):
    start(client)
    html = submit(client, "/report/evidence", {"description": "kept", "files": (io.BytesIO(b"MZ\x90\x00" * 50),
                                                                               "photo.jpg")},
                  content_type="multipart/form-data").get_data(as_text=True)
    assert "photo.jpg must be a photo, video, voice note, PDF, saved email or text file" in html
    assert "<title>Error: " in html
    assert ">kept</textarea>" in html
    # A small limit keeps the request under the test client's 500KB spooling threshold.
    app.config["EVIDENCE_MAX_FILE_MB"] = 0.1
    try:
        big = PNG + b"\x00" * 110_000
        html = submit(client, "/report/evidence", {"files": (io.BytesIO(big), "big.png")},
                      content_type="multipart/form-data").get_data(as_text=True)
        assert "big.png must be smaller than 0.1MB" in html
    finally:
        app.config["EVIDENCE_MAX_FILE_MB"] = TestConfig.EVIDENCE_MAX_FILE_MB  # back to the configured value
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_upload_count_is_limited(app, client):
    start(client)
    app.config["EVIDENCE_MAX_FILES"] = 2
    try:
        files = [(io.BytesIO(PNG), f"p{n}.png") for n in range(3)]
        html = submit(client, "/report/evidence", {"files": files},
                      content_type="multipart/form-data").get_data(as_text=True)
        assert "You can upload up to 2 files" in html
    finally:
        app.config["EVIDENCE_MAX_FILES"] = TestConfig.EVIDENCE_MAX_FILES  # back to the configured value
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def _sent_report(client) -> Report:
    answer_everything(client)
    submit(client, "/report/evidence", {"action": "upload", "files": (io.BytesIO(PNG), "photo.png")},
           content_type="multipart/form-data")
    submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
    return db.session.scalar(select(Report))


def test_uploaded_files_move_to_the_report(client):
    report = _sent_report(client)
    row = db.session.scalar(select(EvidenceFile))
    assert row.report_id == report.id and row.draft_id is None


def test_add_to_report_and_see_status(app, client):
    report = _sent_report(client)
    report.awaiting_triage = False
    db.session.commit()
    other = app.test_client()
    signed_in = submit(other, "/report/your-report/sign-in", {"reference": report.reference.lower(),
                                                              "passphrase": PASSPHRASE})
    assert signed_in.headers["Location"] == "/report/your-report"
    status = other.get("/report/your-report").get_data(as_text=True)
    assert "Received" in status and report.reference in status
    added = submit(other, "/report/your-report/add", {"when": "last week", "what": "Came to my door again",
                                                      "files": (io.BytesIO(PDF), "letter.pdf")},
                   content_type="multipart/form-data")
    # The loop then offers to change the safe-contact rules (tests/web/public/test_reporter_and_contact_updates.py).
    assert added.headers["Location"] == "/report/your-report/contact-changed"
    db.session.expire_all()
    update = db.session.scalar(select(ReportUpdate))
    assert update.report_id == report.id
    new = db.session.scalar(select(Incident).where(Incident.update_id == update.id))
    assert new.description == "Came to my door again" and new.sort_date is not None
    assert db.session.scalar(select(EvidenceFile).where(EvidenceFile.update_id == update.id)).report_id == report.id
    fresh = db.session.get(Report, report.id)
    assert fresh.awaiting_triage and fresh.queued_at > report.received_at
    assert "further incidents on an existing report" in fresh.priority_reasons
    assert "We have added this to your report" in other.get("/report/your-report").get_data(as_text=True)


def test_add_to_report_needs_something(client):
    report = _sent_report(client)
    submit(client, "/report/your-report/sign-in", {"reference": report.reference, "passphrase": PASSPHRASE})
    html = submit(client, "/report/your-report/add", {}).get_data(as_text=True)
    assert "Enter what happened, or choose a file to upload" in html


def test_sign_in_never_reveals_whether_a_reference_exists(client):
    report = _sent_report(client)
    known = submit(client, "/report/your-report/sign-in", {"reference": report.reference,
                                                           "passphrase": "wrong wrong wrong"}).get_data(as_text=True)
    unknown = submit(client, "/report/your-report/sign-in", {"reference": "K7Q-4MX-9PT",
                                                             "passphrase": PASSPHRASE}).get_data(as_text=True)
    garbage = submit(client, "/report/your-report/sign-in", {"reference": "hello",
                                                             "passphrase": PASSPHRASE}).get_data(as_text=True)
    for html in (known, unknown, garbage):
        assert "The details you entered do not match our records" in html
    assert client.get("/report/your-report").headers["Location"] == "/report/your-report/sign-in"


def test_sign_in_is_rate_limited_per_reference(app, client):
    report = _sent_report(client)
    app.config["LATER_RATE_LIMIT_CODE"] = "2 per minute"
    try:
        codes = [submit(client, "/report/your-report/sign-in", {"reference": report.reference,
                                                                "passphrase": "wrong wrong wrong"}).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        assert "Too many attempts" in submit(client, "/report/your-report/sign-in", {
            "reference": report.reference, "passphrase": PASSPHRASE}).get_data(as_text=True)
    finally:
        app.config["LATER_RATE_LIMIT_CODE"] = TestConfig.LATER_RATE_LIMIT_CODE  # back to the configured value


def test_database_down_shows_the_error_page_and_keeps_the_draft(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'down.sqlite3'}", UPLOAD_DIR=str(tmp_path / "up"))
    with app.app_context():
        client = app.test_client()
        answer_everything(client)
        # A table the submit needs has gone: the whole transaction must fail and leave the draft.
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE person_match_key"))
        response = submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
        html = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in html and "Exit this page" in html
        assert "tel:999" in html and "Traceback" not in html
        db.session.remove()
        assert db.session.scalar(select(func.count(Report.id))) == 0
        draft = db.session.scalar(select(Draft))
        assert draft is not None and draft.answers["about_you"]["name"] == "Siân O'Brien"
        db.session.remove()
        db.engine.dispose()


def test_save_button_stores_the_page_before_saving(client):
    start(client)
    response = submit(client, "/report/impact", {"details": "Stopped going out", "then": "save"})
    assert response.headers["Location"] == "/report/save?from=/report/impact"
    assert db.session.scalar(select(Draft)).answers["impact"]["details"] == "Stopped going out"
    page = client.get("/report/save?from=/report/impact").get_data(as_text=True)
    assert 'href="/report/impact"' in page
    assert 'href="https://evil.example"' not in client.get("/report/save?from=https://evil.example").get_data(
        as_text=True)
