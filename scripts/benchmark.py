"""Time seeding synthetic reports and the triage queue's first page on the database DATABASE_URL names.

    make bench                                   # a throwaway SQLite file
    DATABASE_URL=postgresql://... make bench     # PostgreSQL (adds to whatever is there)
    .venv/bin/python scripts/benchmark.py --reports 1000000

Without DATABASE_URL it uses a temporary SQLite file, never the development database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports to seed (default 100,000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the queue's first page")
    parser.add_argument("--reencrypt", action="store_true",
                        help="also time decrypting answers and re-encrypting everything under a new key")
    args = parser.parse_args()

    temp_dir = None
    if not os.environ.get("DATABASE_URL"):
        temp_dir = tempfile.TemporaryDirectory()
        os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir.name}/bench.sqlite3"

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models.types import utcnow
    from app.services.reports import match_secret
    from app.services.seed_demo import seed_demo_reports
    from app.services.triage_queue import QueueFilters, count_awaiting, queue_page, queue_statement, sla_targets

    app = create_app(os.environ.get("FLASK_CONFIG", "test"),
                     overrides={"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(os.environ["DATABASE_URL"])})
    with app.app_context():
        upgrade()
        engine = db.engine.dialect.name
        print(f"Engine: {engine} ({db.engine.url.render_as_string(hide_password=True)})")

        result = seed_demo_reports(args.reports, seed=1, secret=match_secret())
        print(f"Seeded {result.reports:,} reports, {result.incidents:,} incidents, {result.people:,} people "
              f"in {result.seconds:.1f} s ({result.reports / result.seconds:,.0f} reports/s)")
        total = db.session.scalar(db.text("SELECT count(*) FROM report"))
        print(f"Reports in the table: {total:,}; awaiting triage: {count_awaiting():,}")

        for label, filters in (("first page", QueueFilters()), ("first page, phone only", QueueFilters(
                channel=_phone())), ("first page, overdue only", QueueFilters(overdue_only=True))):
            for _ in range(3):
                queue_page(filters)  # warm the cache
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                rows = queue_page(filters).rows
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            print(f"Queue {label}: {len(rows)} rows, median {statistics.median(timings):.1f} ms, "
                  f"max {max(timings):.1f} ms over {args.runs} runs")

        statement = queue_statement(QueueFilters(), None, now=utcnow(), targets=sla_targets(app.config), limit=26)
        compiled = statement.compile(dialect=db.engine.dialect)
        if engine == "postgresql":
            plan = db.session.connection().exec_driver_sql(f"EXPLAIN ANALYZE {compiled}",
                                                           compiled.construct_params()).all()
            print("Plan:\n  " + "\n  ".join(row[0] for row in plan))
        if args.reencrypt:
            _encryption(app, args.runs)
    if temp_dir is not None:
        temp_dir.cleanup()


def _encryption(app, runs: int) -> None:
    """What sealing costs: reading 1,000 reports' answers opened against the same bytes unopened, in one run,
    and the `reencrypt` command's throughput after a rotation."""
    import base64

    from sqlalchemy import LargeBinary, select, type_coerce

    from app.crypto import KeyRing, current_keyring, new_key
    from app.extensions import db
    from app.models import Report
    from app.services import reencryption

    opened, sealed = [], []
    for _ in range(max(3, runs // 4)):
        for statement, timings in ((select(Report.answers).order_by(Report.id).limit(1000), opened),
                                   (select(type_coerce(Report.answers, LargeBinary)).order_by(Report.id).limit(1000),
                                    sealed)):
            started = time.perf_counter()
            db.session.execute(statement).all()
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
    cost = (statistics.median(opened) - statistics.median(sealed)) / 1000 * 1000
    print(f"1,000 reports' answers: median {statistics.median(opened):.1f} ms opened, "
          f"{statistics.median(sealed):.1f} ms as sealed bytes ({cost:.0f} us per report to open)")

    ring = current_keyring()
    app.extensions["keyring"] = KeyRing({**ring.keys, "bench2": base64.urlsafe_b64decode(new_key())}, "bench2")
    started = time.perf_counter()
    resealed = 0
    for reencryptor in reencryption.reencryptors():
        after = 0
        while True:
            batch = reencryption.reseal_batch(reencryptor.name, after=after, limit=500)
            resealed += batch.resealed
            if batch.next_after is None:
                break
            after = batch.next_after
    seconds = time.perf_counter() - started
    print(f"Re-encrypted {resealed:,} rows under a new key in {seconds:.1f} s ({resealed / seconds:,.0f} rows/s, "
          "batches of 500)")


def _phone():
    from app.models import Channel

    return Channel.PHONE


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


if __name__ == "__main__":
    main()
