"""GET /healthz reports the app and the database."""

from __future__ import annotations

from sqlalchemy import create_engine

from app.extensions import db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_does_not_answer(app_ctx, monkeypatch):
    # A real engine pointed at a port where nothing listens: the database genuinely does not answer.
    dead = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    monkeypatch.setitem(db._app_engines[app_ctx], None, dead)
    db.session.remove()
    response = app_ctx.test_client().get("/healthz")
    monkeypatch.undo()
    db.session.remove()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
