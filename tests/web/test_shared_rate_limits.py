"""Rate limits live in Redis when REDIS_URL is set, so every worker sees the same counts."""

from __future__ import annotations

import os
import uuid

import pytest

from app.extensions import limiter
from tests.conftest import make_test_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

if not REDIS_URL and os.environ.get("REQUIRE_REDIS") == "1":
    raise RuntimeError("REQUIRE_REDIS=1 but TEST_REDIS_URL is not set")

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (CI sets it and requires it)")


def _worker(tmp_path, name: str, prefix: str):
    app = make_test_app(f"sqlite:///{tmp_path / (name + '.sqlite3')}", RATELIMIT_STORAGE_URI=REDIS_URL,
                        RATELIMIT_KEY_PREFIX=prefix)

    @limiter.limit("3 per minute")
    def limited():
        return "ok"

    app.add_url_rule("/_test/limited", "limited", limited)
    return app.test_client()


@needs_redis
def test_two_workers_share_one_limit(tmp_path):
    # Two separate app instances stand for two gunicorn workers; a unique prefix isolates this run.
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = _worker(tmp_path, "a", prefix), _worker(tmp_path, "b", prefix)
    statuses = [first.get("/_test/limited").status_code, second.get("/_test/limited").status_code,
                first.get("/_test/limited").status_code, second.get("/_test/limited").status_code]
    assert statuses == [200, 200, 200, 429]


def test_a_redis_outage_never_stops_someone_reporting(tmp_path):
    # Nothing listens on port 1: the limiter's storage is down from the start.
    app = make_test_app(f"sqlite:///{tmp_path / 'down.sqlite3'}", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    for path in ("/", "/report/start", "/healthz"):
        assert client.get(path).status_code == 200, path
