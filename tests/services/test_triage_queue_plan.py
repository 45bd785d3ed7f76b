"""The triage queue's first page is one index scan without a sort, on a few thousand reports.

Seeding 4,000 reports is the expensive part, so it happens once per engine for the whole module and
every test only reads the data (`shared_ctx`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from app.domain.priority import Priority
from app.extensions import db
from app.models import Channel
from app.services import triage_queue
from app.services.seed_demo import seed_demo_reports
from app.services.sla import sla_targets
from app.services.triage_queue import QueueFilters, queue_page, queue_statement

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded_queue(module_app, engine_name):
    """4,000 demo reports, a tenth awaiting triage, with fresh planner statistics on PostgreSQL."""
    with module_app.app_context():
        seed_demo_reports(4000, seed=7, awaiting_share=0.1, secret=b"test-secret", now=NOW)
        if engine_name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()


def _plan(statement) -> str:
    """The database's plan for the statement, with its real parameters."""
    dialect = db.engine.dialect
    compiled = statement.compile(dialect=dialect)
    params = compiled.construct_params()
    connection = db.session.connection()
    if dialect.name == "postgresql":
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", params).all()
    else:
        # SQLite stores UTC timestamps as text; bind them the way the column type does.
        def bind(value):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                          tuple(bind(params[name]) for name in compiled.positiontup)).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("filters", [QueueFilters(), QueueFilters(channel=Channel.PHONE),
                                     QueueFilters(priority=Priority.HIGH)], ids=["all", "channel", "priority"])
def test_first_page_is_one_index_scan_without_a_sort(seeded_queue, shared_ctx, engine_name, filters):
    """On PostgreSQL with a few thousand rows (ANALYZEd), and on SQLite: the index gives the order."""
    statement = queue_statement(filters, None, now=NOW, targets=sla_targets(shared_ctx.config), limit=26)

    plan = _plan(statement)

    if engine_name == "postgresql":
        assert "Index Scan using ix_report_triage_queue on report" in plan, plan
        assert "Sort" not in plan, plan
        assert "Seq Scan on report" not in plan, plan
    else:
        assert "USING INDEX ix_report_triage_queue" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    assert triage_queue.count_awaiting() == len(queue_page(now=NOW, limit=1000).rows)
