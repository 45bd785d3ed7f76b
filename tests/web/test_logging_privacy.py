"""Logs never hold victim free text or personal details, even when something goes wrong."""

from __future__ import annotations

import logging

import pytest

from app.extensions import db
from app.models import Report
from tests.factories import make_report
from tests.web.public.helpers import FULL_ANSWERS, answer_everything, submit

# Every typed value of the full journey that is free text or a personal detail.
SENSITIVE = [
    "Waited outside my work", "Zoë Ōkawa-Smith", "12 High St", "A knife", "I moved", "Waits at school",
    "Siân O'Brien", "1 Safe Road", "NT2 3CD", "07700 900123", "bluebell", "Screenshots of emails",
]


def test_the_sensitive_values_are_really_in_the_journey():
    typed = repr(FULL_ANSWERS)
    for value in SENSITIVE:
        assert value in typed, value


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def all_logs(app_ctx):
    """Everything any logger writes, at its most talkative (the app's logger does not propagate)."""
    collector = Collector()
    collector.setFormatter(logging.Formatter("%(name)s %(message)s"))
    # sqlalchemy.engine too: Alembic's logging set-up gives it a level of its own (WARN), which would hide the SQL
    # and the rows it fetches (decrypted), the very thing to prove absent.
    loggers = [logging.getLogger(), app_ctx.logger, logging.getLogger("sqlalchemy"),
               logging.getLogger("sqlalchemy.engine"), logging.getLogger("werkzeug")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        logger.setLevel(logging.DEBUG)
    yield collector
    for logger, level in saved:
        logger.removeHandler(collector)
        logger.setLevel(level)


def test_a_whole_report_writes_no_victim_text_to_the_logs(client, all_logs):
    answer_everything(client)
    response = submit(client, "/report/send", {"declaration": "y", "passphrase": "purple elephant umbrella"})
    assert response.status_code == 302
    logged = all_logs.text
    assert "INSERT INTO report " in logged  # the collector really hears the engine's SQL logging
    for value in SENSITIVE:
        assert value not in logged, f"{value!r} reached the logs"


def test_a_database_error_during_submission_logs_no_victim_text(client, all_logs, monkeypatch):
    from app.services import reports

    answer_everything(client)
    taken = make_report().reference
    # A real constraint violation from the real engine: the new report's reference is already used.
    monkeypatch.setattr(reports, "new_reference", lambda: taken)
    response = submit(client, "/report/send", {"declaration": "y", "passphrase": "purple elephant umbrella"})
    assert response.status_code == 500
    assert db.session.query(Report).count() == 1  # only the one that was already there
    logged = all_logs.text
    assert "IntegrityError" in logged  # the failure itself is logged...
    for value in SENSITIVE:
        assert value not in logged, f"{value!r} reached the logs"  # ...but not what the victim wrote
