"""Error pages keep the exit control and helplines and reveal nothing internal."""

from __future__ import annotations

import pytest
from flask import abort

from app.extensions import csrf
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def error_app(tmp_path_factory):
    """A separate app with routes that raise each error (kept off the shared app's URL map)."""
    app = make_test_app(f"sqlite:///{tmp_path_factory.mktemp('errors') / 'errors.sqlite3'}", WTF_CSRF_ENABLED=True)

    def raise_error(code: int):
        abort(code)

    def explode():
        raise RuntimeError("secret internal detail: /srv/db password=hunter2")

    def post_only():
        return "ok"

    app.add_url_rule("/_test/error/<int:code>", "raise_error", raise_error)
    app.add_url_rule("/_test/explode", "explode", explode)
    app.add_url_rule("/_test/post-only", "post_only", post_only, methods=["POST"])
    csrf.exempt(post_only)
    app.add_url_rule("/_test/csrf-target", "csrf_target", lambda: "ok", methods=["POST"])
    return app


@pytest.fixture
def error_client(error_app):
    return error_app.test_client()


@pytest.mark.parametrize("code", [400, 403, 404, 413, 429, 500])
def test_error_pages_keep_exit_and_helplines(error_client, code):
    response = error_client.get(f"/_test/error/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert "govuk-exit-this-page" in html
    assert 'href="tel:999"' in html and 'href="tel:08088020300"' in html
    assert "no-store" in response.headers["Cache-Control"]


def test_405_page(error_client):
    response = error_client.get("/_test/post-only")
    assert response.status_code == 405
    assert "govuk-exit-this-page" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_unexpected_error_shows_500_without_internals(error_client):
    response = error_client.get("/_test/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "hunter2" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "Sorry, there is a problem with the service" in html
    assert 'href="tel:999"' in html


def test_posting_without_csrf_token_is_refused_with_a_page(error_client):
    response = error_client.post("/_test/csrf-target", data={"x": "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "timed out" in html and "govuk-exit-this-page" in html
