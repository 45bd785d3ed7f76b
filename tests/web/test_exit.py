"""/exit: one step out to a neutral site, with the session cookie gone and nothing cached."""

from __future__ import annotations


def test_exit_redirects_to_the_neutral_site_without_referrer(client):
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_exit_expires_the_session_cookie(client):
    with client.session_transaction() as session:
        session["anything"] = "x"
    response = client.get("/exit")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("session=;") and "Max-Age=0" in c for c in cookies)
    assert client.get_cookie("session") is None


def test_exit_runs_the_registered_clean_up(client):
    from app.public import exit_hooks

    calls = []
    exit_hooks._HOOKS.append(lambda: calls.append("cleaned"))
    try:
        client.get("/exit")
    finally:
        exit_hooks._HOOKS.pop()
    assert calls == ["cleaned"]


def test_exit_url_is_configurable(app_ctx):
    app_ctx.config["EXIT_URL"] = "https://www.example.org/recipes"
    try:
        response = app_ctx.test_client().get("/exit")
    finally:
        app_ctx.config["EXIT_URL"] = "https://www.bbc.co.uk/weather"
    assert response.headers["Location"] == "https://www.example.org/recipes"
