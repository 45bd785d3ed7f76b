"""Browser tests: the real app on a live server, driven through the system Chromium.

Playwright cannot download its own browser here, so the fixtures point it at Debian's Chromium.
Without Chromium these tests skip, unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import empty_tables, make_test_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not _chromium_available():
        # With REQUIRE_BROWSER=1 (CI) tests/conftest.py turns these skips into failures that say why. Not a
        # UsageError here: raised in a pytest-xdist worker, it stops the run without its message.
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}; set CHROMIUM_PATH or run make browser-deps")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _serve(wsgi_app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


@pytest.fixture(scope="session")
def neutral_site():
    """A stand-in for the neutral exit site (there is no internet here): a local page about weather."""

    def weather(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [b"<!doctype html><html lang=en><title>Weather</title><h1>Weather forecast</h1></html>"]

    url, server = _serve(weather)
    yield url + "/weather"
    server.shutdown()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, neutral_site):
    """The app on SQLite, migrated, for the live server; Exit goes to the local neutral site."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite3'}"
    return make_test_app(url, UPLOAD_DIR=str(tmp_path_factory.mktemp("browser-uploads")), EXIT_URL=neutral_site)


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve the app on a free local port for the whole session; yields its base URL."""
    url, server = _serve(live_app)
    yield url
    server.shutdown()


@pytest.fixture
def site(live_server, live_app):
    """The live server's URL, with the database emptied after each test."""
    yield live_server
    empty_tables(live_app)


@pytest.fixture
def axe_check():
    """Run axe-core (WCAG 2.2 A/AA rules) on a page; fail with the report if anything is violated."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, name: str = "page") -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"axe violations on {name}:\n{results.generate_report()}"

    return check


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ to look at after the run."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def phone_page(browser):
    """A page at 320 px wide, the narrowest phone WCAG reflow asks for."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    yield page
    context.close()
