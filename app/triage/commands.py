"""`flask --app wsgi seed-demo --reports N`: load synthetic reports for demos and benchmarks."""

from __future__ import annotations

import click

from app.triage import bp


@bp.cli.command("seed-demo")
@click.option("--reports", "count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True,
              help="How many synthetic reports to add.")
@click.option("--seed", type=int, default=None, help="Random seed, for the same data every time.")
@click.option("--awaiting", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Share of the reports still awaiting triage (the rest are history).")
def seed_demo_command(count: int, seed: int | None, awaiting: float) -> None:
    """Bulk-insert synthetic reports (invented people) with incidents, repeat victims and suspects."""
    from app.services.reports import match_secret
    from app.services.seed_demo import seed_demo_reports

    step = max(count // 10, 10_000)

    def progress(done: int) -> None:
        if done % step == 0 or done == count:
            click.echo(f"  {done:,} reports")

    result = seed_demo_reports(count, seed=seed, awaiting_share=awaiting, secret=match_secret(), progress=progress)
    click.echo(f"Loaded {result.reports:,} reports, {result.incidents:,} incidents and {result.people:,} people "
               f"in {result.seconds:.1f} s.")
