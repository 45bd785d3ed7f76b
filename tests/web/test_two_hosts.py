"""Two hosts, one PostgreSQL and one Redis: a victim's journey moves between them with one cookie jar, and the
evidence she uploads through host A is on her page and downloads for staff through host B.

Each host is a separate app instance behind its own real HTTP server (werkzeug, threaded), with its own upload
folder: nothing may live in one process or on one disk. Required in CI (REQUIRE_POSTGRES, REQUIRE_REDIS).
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from app.extensions import db
from app.models import EvidenceFile, EvidenceStore, Report, Role, ScanStatus
from tests.conftest import CLAMD_HOST, CLAMD_SOCKET, TEST_DATABASE_URL, make_test_app, postgres_url
from tests.staff_fixtures import current_code, make_enrolled_staff
from tests.web.public.helpers import FULL_ANSWERS

SCHEMA = "two_hosts"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSPHRASE = "purple elephant umbrella"
# A screenshot (PNG signature and header) of about 1.5 MB, so it spans several sealed chunks.
SCREENSHOT = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000438000009240806000000") + os.urandom(1_500_000)

pytestmark = pytest.mark.skipif(not (TEST_DATABASE_URL and REDIS_URL),
                                reason="needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets and requires both)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # each step is asserted, and the next request chooses its own host


class Browser:
    """One person's browser: one cookie jar, whichever host the load balancer picks for each request."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
        try:
            # Only ever our own test servers on 127.0.0.1.
            request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
            with self.opener.open(request, timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def get(self, url: str) -> tuple[int, str]:
        status, _, body = self.request(url)
        return status, body.decode()

    def post_form(self, page_url: str, post_url: str, fields: dict[str, object]) -> tuple[int, dict, str]:
        """GET the form from one host, POST it to another (the CSRF token comes from the page)."""
        status, page = self.get(page_url)
        assert status == 200, (page_url, status)
        pairs = [("csrf_token", CSRF.search(page).group(1))]
        for name, value in fields.items():
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        status, headers, body = self.request(post_url, urllib.parse.urlencode(pairs).encode(),
                                             {"Content-Type": "application/x-www-form-urlencoded"})
        return status, headers, body.decode()

    def upload(self, page_url: str, post_url: str, name: str, data: bytes) -> int:
        status, page = self.get(page_url)
        boundary = secrets.token_hex(12)
        body = b"".join([
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'.encode(),
            CSRF.search(page).group(1).encode(), b"\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\nupload\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: image/png\r\n\r\n".encode(), data, b"\r\n", f"--{boundary}--\r\n".encode(),
        ])
        status, _, _ = self.request(post_url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def two_hosts(tmp_path):
    # A schema of this test's own in the test database, so the session's apps are untouched.
    base = postgres_url()
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"two-hosts-{secrets.token_hex(4)}"}
    if CLAMD_SOCKET or CLAMD_HOST:
        shared.update(CLAMD_SOCKET=CLAMD_SOCKET or None, CLAMD_HOST=CLAMD_HOST or None)
    apps = [make_test_app(url, UPLOAD_DIR=str(tmp_path / f"host-{name}" / "uploads"), **shared) for name in "ab"]
    servers = [_serve(app) for app in apps]
    yield apps, [base_url for _, base_url in servers]
    for server, _ in servers:
        server.shutdown()
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def test_a_journey_and_its_evidence_move_between_hosts(two_hosts):
    (app_a, app_b), (a, b) = two_hosts
    victim = Browser()
    hosts = [a, b]

    # Every page is read from one host and its answer posted to the other, turn about.
    steps = [("/report/start", {"danger": "no"}), *FULL_ANSWERS]
    for n, (path, fields) in enumerate(steps):
        page_host, post_host = hosts[n % 2], hosts[(n + 1) % 2]
        status, headers, body = victim.post_form(page_host + path, post_host + path, fields)
        assert status == 302, (path, status, body[:2000])

    # Her screenshot goes up through A and is on her page on B.
    assert victim.upload(b + "/report/evidence", a + "/report/evidence", "screenshot 3 March.png", SCREENSHOT) == 302
    status, page = victim.get(b + "/report/evidence")
    assert status == 200 and "screenshot 3 March.png" in page
    status, _, body = victim.post_form(a + "/report/send", b + "/report/send",
                                       {"declaration": "y", "passphrase": PASSPHRASE})
    assert status == 302, body[:2000]

    # Nothing of it is on either host's disk: the sealed chunks are in the shared database.
    for app in (app_a, app_b):
        upload_dir = Path(app.config["UPLOAD_DIR"])
        assert not upload_dir.exists() or not any(p.is_file() for p in upload_dir.rglob("*"))

    with app_a.app_context():
        report = db.session.scalar(select(Report))
        row = db.session.scalar(select(EvidenceFile))
        assert row.report_id == report.id and row.store is EvidenceStore.DATABASE
        if CLAMD_SOCKET or CLAMD_HOST:
            assert row.scan_status is ScanStatus.CLEAN  # the real clamd passed it on upload
        else:
            # No clamd in this local run (CI has one): stand in for the scan that would have passed.
            row.scan_status = ScanStatus.CLEAN
        staff = make_enrolled_staff(role=Role.CALL_HANDLER)
        report_id, file_id = report.id, row.id
        email, secret = staff.email, staff.totp_secret
        db.session.commit()

    # Staff sign in through A and download through B.
    staff_browser = Browser()
    status, _, body = staff_browser.post_form(a + "/staff/sign-in", a + "/staff/sign-in", {
        "email": email, "password": "correct horse battery staple", "code": current_code(secret)})
    assert status == 302, body[:2000]
    status, page = staff_browser.get(b + f"/staff/triage/reports/{report_id}")
    assert status == 200 and "screenshot 3 March.png" in page
    status, headers, body = staff_browser.request(b + f"/staff/triage/reports/{report_id}/evidence/{file_id}")
    assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(SCREENSHOT).digest()
    assert headers["Content-Disposition"].startswith("attachment;")
