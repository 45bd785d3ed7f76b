"""Evidence files on the triage screen, and the staff-only, audited download (never shown in the browser)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, EvidenceFile, Report, Role
from tests.factories import make_report
from tests.staff_fixtures import make_enrolled_staff, sign_in
from tests.web.cases.helpers import make_case

# A tiny PNG and an HTML file that would run script if a browser ever rendered it on our origin.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 16
HOSTILE = b"<html><script>alert(document.cookie)</script></html>"


def _store(app, data: bytes, *, report_id: int | None, name: str = "doorbell.png", key: str | None = None,
           content_type: str = "image/png") -> EvidenceFile:
    """An evidence row; with no key given, its bytes are written where the upload code keeps them."""
    if key is None:
        key = secrets.token_hex(24)
        path = Path(app.config["UPLOAD_DIR"]) / key[:2] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    row = EvidenceFile(report_id=report_id, original_name=name, content_type=content_type, size_bytes=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), storage_key=key)
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
    row = _store(app_ctx, HOSTILE, report_id=report.id, name="saved page.html", content_type="text/html")

    response = client.get(_url(report.id, row.id))
    body = response.data
    response.close()  # the file stays open until the server closes the response

    assert response.status_code == 200 and body == HOSTILE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "saved page.html" in response.headers["Content-Disposition"]
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
    for path in (f"/static/{row.storage_key}", f"/static/../uploads/{row.storage_key[:2]}/{row.storage_key}",
                 f"/uploads/{row.storage_key[:2]}/{row.storage_key}"):
        response = client.get(path)
        assert response.status_code == 404 and PNG not in response.data, path

    admin = make_enrolled_staff(role=Role.ADMIN)
    sign_in(client, admin)
    refused = client.get(_url(report.id, row.id))
    assert refused.status_code == 403 and PNG not in refused.data
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "evidence.download")) is None


def test_only_a_file_of_that_report_and_on_disk_is_served(login_as, client, app_ctx):
    login_as(Role.CALL_HANDLER)
    report, other = make_report(), make_report()
    theirs = _store(app_ctx, PNG, report_id=other.id)
    in_a_draft = _store(app_ctx, PNG, report_id=None)
    gone = _store(app_ctx, PNG, report_id=report.id)
    (Path(app_ctx.config["UPLOAD_DIR"]) / gone.storage_key[:2] / gone.storage_key).unlink()

    for file_id in (theirs.id, in_a_draft.id, gone.id, 999_999):
        assert client.get(_url(report.id, file_id)).status_code == 404, file_id


def test_a_storage_key_cannot_reach_outside_upload_dir(login_as, client, app_ctx, tmp_path):
    login_as(Role.CALL_HANDLER)
    report = make_report()
    secret = tmp_path / "outside.txt"
    secret.write_bytes(b"not evidence")
    upload_dir = Path(app_ctx.config["UPLOAD_DIR"])
    relative = Path("..") / ".." / Path(*secret.relative_to(Path(secret.anchor)).parts)
    traversal = _store(app_ctx, b"x", report_id=report.id, key=f"../{relative}")
    absolute = _store(app_ctx, b"x", report_id=report.id, key=str(secret))
    # A well-formed key whose stored path is a link pointing out of the store.
    key = secrets.token_hex(24)
    (upload_dir / key[:2]).mkdir(parents=True, exist_ok=True)
    (upload_dir / key[:2] / key).symlink_to(secret)
    linked = _store(app_ctx, b"x", report_id=report.id, key=key)

    for row in (traversal, absolute, linked):
        response = client.get(_url(report.id, row.id))
        assert response.status_code == 404 and b"not evidence" not in response.data, row.storage_key
