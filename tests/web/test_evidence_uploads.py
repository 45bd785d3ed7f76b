"""Uploads as a victim makes them: phone formats accepted, others refused in GOV.UK words, every file scanned by a
real clamd before it is attached (EICAR refused), and a scanner outage never blocks a report nor serves a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, EvidenceChunk, EvidenceFile, Report, Role, ScanStatus
from tests.domain.test_evidence_formats import EXPECTED, REFUSED, SAMPLES
from tests.evidence_helpers import EICAR, PNG, bytes_stored, post_multipart
from tests.staff_fixtures import make_enrolled_staff, sign_in
from tests.web.public.helpers import answer_everything, csrf_from, submit

PASSPHRASE = "purple elephant umbrella"
TYPE_ERROR = "must be a photo, video, voice note, PDF, saved email or text file"


def _upload(client, files, **fields):
    return submit(client, "/report/evidence", {"action": "upload", "files": files, **fields},
                  content_type="multipart/form-data")


def _start(client) -> None:
    submit(client, "/report/start", {"danger": "no"})


@pytest.fixture(autouse=True)
def own_upload_dir(app_ctx, tmp_path):
    """An upload folder of this test's own, so what a test leaves on disk can be checked."""
    saved = app_ctx.config["UPLOAD_DIR"]
    app_ctx.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield
    app_ctx.config["UPLOAD_DIR"] = saved


def _nothing_kept(app) -> bool:
    count = db.session.scalar(select(func.count(EvidenceFile.id))) or 0
    chunks = db.session.scalar(select(func.count()).select_from(EvidenceChunk)) or 0
    root = Path(app.config["UPLOAD_DIR"])
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return count == 0 and chunks == 0 and files == []


def _staff_client(app, role: Role = Role.CALL_HANDLER):
    staff = app.test_client()
    assert sign_in(staff, make_enrolled_staff(role=role)).status_code == 302
    return staff


def _send(client) -> Report:
    answer_everything(client)
    response = submit(client, "/report/send", {"declaration": "y", "passphrase": PASSPHRASE})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Report))


@pytest.fixture
def scanner_down(app_ctx, tmp_path):
    """clamd configured but not answering: a socket path nobody listens on."""
    saved = {k: app_ctx.config.get(k) for k in ("CLAMD_SOCKET", "CLAMD_HOST")}
    app_ctx.config.update(CLAMD_SOCKET=str(tmp_path / "clamd-is-down.sock"), CLAMD_HOST=None)
    yield
    app_ctx.config.update(saved)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_phone_format_is_accepted_from_its_content(client, app_ctx, name):
    _start(client)
    response = _upload(client, (io.BytesIO(SAMPLES[name]), name))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    row = db.session.scalar(select(EvidenceFile))
    assert (row.content_type, row.original_name, row.size_bytes) == (EXPECTED[name], name, len(SAMPLES[name]))
    assert name in client.get("/report/evidence").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["windows program", "web page", "svg with script", "zip bomb",
                                  "whatsapp export with media (zip)", "shell script"])
def test_other_files_are_refused_in_govuk_words_keeping_the_answers(client, app_ctx, kind):
    _start(client)
    html = _upload(client, (io.BytesIO(REFUSED[kind]), "evidence.txt"), description="Screenshots of 200 messages") \
        .get_data(as_text=True)
    assert f"evidence.txt {TYPE_ERROR}" in html and "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html and 'href="#files"' in html
    assert ">Screenshots of 200 messages</textarea>" in html
    assert _nothing_kept(app_ctx)


def test_a_text_file_that_turns_into_a_program_later_is_refused(client, app_ctx):
    _start(client)
    disguised = b"12/03/2024, 21:14 - Dan: hello\n" * 30_000 + b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 1000
    assert len(disguised) > 512 * 1024  # the program starts in the second chunk
    token = csrf_from(client.get("/report/evidence").get_data(as_text=True))
    html = post_multipart(client, "/report/evidence", {"csrf_token": token, "action": "upload"},
                          [("files", "chat.txt", disguised)]).get_data(as_text=True)
    assert f"chat.txt {TYPE_ERROR}" in html
    assert _nothing_kept(app_ctx)


def test_an_empty_file_is_refused(client, app_ctx):
    _start(client)
    html = _upload(client, (io.BytesIO(b""), "empty.jpg")).get_data(as_text=True)
    assert "empty.jpg is empty" in html and _nothing_kept(app_ctx)


def test_the_eicar_test_file_is_refused_by_the_real_clamd_and_nothing_is_kept(client, app_ctx, clamd):
    _start(client)
    html = _upload(client, [(io.BytesIO(PNG), "photo.png"), (io.BytesIO(EICAR), "eicar.txt")],
                   description="Doorbell video").get_data(as_text=True)
    assert "eicar.txt contains a virus, so we have deleted it." in html
    assert "you can send your report without this file" in html and "<title>Error: " in html
    assert ">Doorbell video</textarea>" in html  # her answers are kept
    assert _nothing_kept(app_ctx)  # all or nothing: the clean photo in the same upload is not half-kept

    # The clean file alone goes through, scanned.
    assert _upload(client, (io.BytesIO(PNG), "photo.png")).status_code == 302
    assert db.session.scalar(select(EvidenceFile.scan_status)) is ScanStatus.CLEAN


def test_eicar_is_refused_when_adding_to_a_report_too(client, app_ctx, clamd):
    report = _send(client)
    submit(client, "/report/your-report/sign-in", {"reference": report.reference, "passphrase": PASSPHRASE})
    html = submit(client, "/report/your-report/add", {"what": "He was outside again",
                                                       "files": (io.BytesIO(EICAR), "eicar.com")},
                  content_type="multipart/form-data").get_data(as_text=True)
    assert "eicar.com contains a virus" in html and "He was outside again" in html
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_a_clean_scanned_upload_reaches_staff_whole(client, app_ctx, clamd):
    _start(client)
    data = SAMPLES["whatsapp-android.txt"] * 3000  # about 400 KB of chat
    assert _upload(client, (io.BytesIO(data), "WhatsApp Chat with Dan.txt")).status_code == 302
    report = _send(client)
    row = db.session.scalar(select(EvidenceFile))
    assert row.report_id == report.id and row.scan_status is ScanStatus.CLEAN

    staff = _staff_client(app_ctx)
    page = staff.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    assert "WhatsApp Chat with Dan.txt" in page and "Scanned" in page
    download = staff.get(f"/staff/triage/reports/{report.id}/evidence/{row.id}")
    assert download.status_code == 200 and download.data == data


def test_a_scanner_outage_keeps_the_file_pending_unserved_and_never_blocks_the_report(client, app_ctx,
                                                                                        scanner_down):
    _start(client)
    assert _upload(client, (io.BytesIO(PNG), "photo.png")).status_code == 302  # accepted, no error for her
    report = _send(client)  # and her report goes in
    row = db.session.scalar(select(EvidenceFile))
    assert row.report_id == report.id and row.scan_status is ScanStatus.PENDING and bytes_stored(row)

    staff = _staff_client(app_ctx)
    page = staff.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    assert "Not yet scanned" in page and "have not been checked for viruses yet" not in page
    assert "1 file has not been checked for viruses yet" in page
    assert f"/staff/triage/reports/{report.id}/evidence/{row.id}" not in page
    refused = staff.get(f"/staff/triage/reports/{report.id}/evidence/{row.id}")
    assert refused.status_code == 409 and PNG not in refused.data

    # The rescan command says the scanner is still down and leaves the file as it is (cron sees exit 1).
    result = app_ctx.test_cli_runner().invoke(args=["rescan-evidence"])
    assert result.exit_code == 1 and "could not be reached" in result.output
    assert "Still not scanned: 1." in result.output
    db.session.expire_all()
    assert db.session.get(EvidenceFile, row.id).scan_status is ScanStatus.PENDING


def test_a_tcp_scanner_that_refuses_connections_is_an_outage_too(client, app_ctx):
    saved = {k: app_ctx.config.get(k) for k in ("CLAMD_SOCKET", "CLAMD_HOST", "CLAMD_PORT")}
    app_ctx.config.update(CLAMD_SOCKET=None, CLAMD_HOST="127.0.0.1", CLAMD_PORT=1)
    try:
        _start(client)
        assert _upload(client, (io.BytesIO(PNG), "photo.png")).status_code == 302
    finally:
        app_ctx.config.update(saved)
    assert db.session.scalar(select(EvidenceFile.scan_status)) is ScanStatus.PENDING


def test_rescan_after_an_outage_passes_clean_files_and_removes_infected_ones(client, app_ctx, tmp_path):
    from tests.conftest import clamd_settings

    settings = clamd_settings()  # skips without a clamd (locally), fails in CI without one
    saved = {k: app_ctx.config.get(k) for k in ("CLAMD_SOCKET", "CLAMD_HOST", "CLAMD_PORT")}
    app_ctx.config.update(CLAMD_SOCKET=str(tmp_path / "down.sock"), CLAMD_HOST=None)
    try:
        _start(client)
        _upload(client, [(io.BytesIO(PNG), "photo.png"), (io.BytesIO(EICAR), "eicar.txt")])
        report = _send(client)
        assert set(db.session.scalars(select(EvidenceFile.scan_status))) == {ScanStatus.PENDING}

        app_ctx.config.update(settings)  # the scanner is back
        result = app_ctx.test_cli_runner().invoke(args=["rescan-evidence", "--batch", "1"])
    finally:
        app_ctx.config.update(saved)
    assert result.exit_code == 0, result.output
    assert "Scanned clean: 1. Infected and removed: 1." in result.output and "Still not scanned: 0." in result.output

    db.session.expire_all()
    photo, eicar = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert photo.scan_status is ScanStatus.CLEAN and bytes_stored(photo)
    assert eicar.scan_status is ScanStatus.INFECTED and not bytes_stored(eicar)
    assert eicar.scan_signature  # clamd's name for it (the local test database or the official one)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.infected"))
    assert event.record_id == eicar.id and event.details["report_id"] == report.id

    staff = _staff_client(app_ctx)
    page = staff.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    assert "Removed: virus found" in page
    assert staff.get(f"/staff/triage/reports/{report.id}/evidence/{eicar.id}").status_code == 404
    assert staff.get(f"/staff/triage/reports/{report.id}/evidence/{photo.id}").data == PNG
