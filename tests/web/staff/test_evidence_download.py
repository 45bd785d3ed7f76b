"""Evidence files on the triage screen, and the staff-only, audited download (never shown in the browser)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.crypto import current_keyring
from app.extensions import db
from app.models import AuditEvent, EvidenceFile, EvidenceStore, Report, Role, ScanStatus
from app.services.evidence import storage
from app.services.evidence.sealing import new_data_key
from tests.evidence_helpers import PNG, make_evidence
from tests.factories import make_report
from tests.staff_fixtures import make_enrolled_staff, sign_in
from tests.web.cases.helpers import make_case

# A chat export quoting a web page: accepted as text, it must never run as a page on our origin.
HOSTILE = b"Chat export\n12/03/2024, 21:14 - Dan: <html><script>alert(document.cookie)</script></html>\n"


def _store(app, data: bytes, *, report_id: int | None, name: str = "doorbell.png") -> EvidenceFile:
    """A file stored as uploads are (sealed, in the configured store) that a malware scan has passed."""
    return make_evidence(report_id=report_id, data=data, name=name)


def _row(report_id: int, key: str, *, store: EvidenceStore = EvidenceStore.FILESYSTEM) -> EvidenceFile:
    """A scanned row naming a storage key directly, as an altered database row could."""
    data_key = new_data_key(current_keyring(), "0" * 48)
    row = EvidenceFile(report_id=report_id, original_name="x.png", content_type="image/png", size_bytes=1,
                       sha256="0" * 64, storage_key=key, store=store, wrapped_key=data_key.wrapped,
                       key_id=data_key.key_id, scan_status=ScanStatus.CLEAN)
    db.session.add(row)
    db.session.commit()
    return row


def _url(report_id: int, file_id: int) -> str:
    return f"/staff/triage/reports/{report_id}/evidence/{file_id}"


def test_triage_screen_lists_name_type_size_and_whole_hash_with_a_download_link(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    report = make_report()
    row = _store(app_ctx, PNG * 100, report_id=report.id, name="doorbell 3 March.png")

    page = client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)

    evidence = page[page.index("Evidence files (1)"):page.index("Updates from the victim")]
    assert "doorbell 3 March.png" in evidence and "image/png" in evidence
    assert "4KB" in evidence and f"{len(PNG) * 100:,} bytes" in evidence
    assert row.sha256 in evidence  # the whole hash, so staff can check a copy against it
    assert f'href="{_url(report.id, row.id)}"' in evidence


@pytest.mark.parametrize("role", [Role.CALL_HANDLER, Role.OFFICER, Role.SUPERVISOR], ids=lambda r: r.value)
def test_authorised_staff_download_an_attachment_with_safe_headers_and_an_audit_event(login_as, client, app_ctx,
                                                                                     role):
    user = login_as(role)
    # Officers read evidence through a case they may see (here, one waiting in the pool).
    report = db.session.get(Report, make_case().active_links[0].report_id) if role is Role.OFFICER else make_report()
    row = _store(app_ctx, HOSTILE, report_id=report.id, name="saved page.html")

    response = client.get(_url(report.id, row.id))
    body = response.data
    response.close()  # the file stays open until the server closes the response

    assert response.status_code == 200 and body == HOSTILE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    # Accepted as text, it downloads as text: the name keeps what the victim called it, plus .txt.
    assert "saved page.html.txt" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.download"))
    assert (event.actor_id, event.record_type, event.record_id) == (user.id, "evidence_file", row.id)
    assert event.details["report_id"] == report.id and event.ip_address == "127.0.0.1"


def test_pages_keep_the_page_policy(login_as, client):
    login_as(Role.CALL_HANDLER)
    csp = client.get("/staff/triage").headers["Content-Security-Policy"]
    assert "sandbox" not in csp and "script-src 'self' 'nonce-" in csp


def test_anonymous_the_public_and_admins_get_nothing(client, app_ctx):
    report = make_report()
    row = _store(app_ctx, PNG, report_id=report.id)

    anonymous = client.get(_url(report.id, row.id))
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/staff/sign-in")
    assert PNG not in anonymous.data
    # Nothing public serves the store: not the static route, not a guessed uploads path.
    key = row.storage_key
    for path in (f"/static/{key}", f"/static/../uploads/{key[:2]}/{key}", f"/uploads/{key[:2]}/{key}.sealed"):
        response = client.get(path)
        assert response.status_code == 404 and PNG not in response.data, path

    admin = make_enrolled_staff(role=Role.ADMIN)
    sign_in(client, admin)
    refused = client.get(_url(report.id, row.id))
    assert refused.status_code == 403 and PNG not in refused.data
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "evidence.download")) is None


def test_only_a_file_of_that_report_and_still_stored_is_served(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    report, other = make_report(), make_report()
    theirs = _store(app_ctx, PNG, report_id=other.id)
    in_a_draft = _store(app_ctx, PNG, report_id=None)
    gone = _store(app_ctx, PNG, report_id=report.id)
    storage.delete_now(gone.store, db.session, gone.id, gone.storage_key)
    db.session.commit()

    for file_id in (theirs.id, in_a_draft.id, gone.id, 999_999):
        assert client.get(_url(report.id, file_id)).status_code == 404, file_id


def test_a_storage_key_cannot_reach_outside_upload_dir(login_as, client, app_ctx, tmp_path):
    login_as(Role.CALL_HANDLER)
    report = make_report()
    secret = tmp_path / "outside.txt"
    secret.write_bytes(b"not evidence")
    upload_dir = Path(app_ctx.config["UPLOAD_DIR"])
    relative = Path("..") / ".." / Path(*secret.relative_to(Path(secret.anchor)).parts)
    traversal = _row(report.id, f"../{relative}")
    absolute = _row(report.id, str(secret))
    # A well-formed key whose stored file is a link pointing out of the store.
    key = secrets.token_hex(24)
    (upload_dir / key[:2]).mkdir(parents=True, exist_ok=True)
    (upload_dir / key[:2] / f"{key}.sealed").symlink_to(secret)
    linked = _row(report.id, key)

    for row in (traversal, absolute, linked):
        response = client.get(_url(report.id, row.id))
        assert response.status_code == 404 and b"not evidence" not in response.data, row.storage_key


def test_a_file_not_yet_scanned_is_listed_but_never_served(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    report = make_report()
    row = make_evidence(report_id=report.id, data=PNG, name="doorbell.png", scanned=False)

    page = client.get(f"/staff/triage/reports/{report.id}").get_data(as_text=True)
    evidence = page[page.index("Evidence files (1)"):page.index("Updates from the victim")]
    assert "doorbell.png" in evidence and "Not yet scanned" in evidence
    assert _url(report.id, row.id) not in evidence
    # No scanner is set up for this app: the page says so rather than leave staff guessing.
    assert "Virus scanning is not set up on this server" in evidence

    response = client.get(_url(report.id, row.id))
    assert response.status_code == 409 and PNG not in response.data
    assert "has not been checked for viruses yet" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "evidence.download")) is None


def test_a_download_is_the_stored_file_exactly_and_names_stay_sealed(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    report = make_report()
    data = PNG + bytes(range(256)) * 5000  # 1.28 MB: three chunks
    row = _store(app_ctx, data, report_id=report.id, name="Zoë's doorbell – 3 March.png")

    response = client.get(_url(report.id, row.id))
    body = response.data
    assert body == data and response.headers["Content-Length"] == str(len(data))
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''Zo%C3%AB%27s%20doorbell%20%E2%80%93%203%20March.png" in disposition
    # At rest: neither the name nor the bytes are readable in the row or the store.
    raw = db.session.execute(text("SELECT original_name, wrapped_key FROM evidence_file WHERE id = :id"),
                             {"id": row.id}).one()
    assert b"doorbell" not in bytes(raw[0]) and bytes(raw[1]).startswith(b"v1:")
    sealed = b"".join(storage.read(row.store, db.session, row.id, row.storage_key))
    assert data[:64] not in sealed and len(sealed) > len(data)
