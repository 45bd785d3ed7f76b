"""Command-line tasks: `flask --app wsgi <command>`."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.crypto import current_keyring
from app.domain import uk_time
from app.domain.retention import PolicyError
from app.models import Role
from app.services import drafts, evidence, reencryption, retention
from app.services.actor import Actor
from app.services.errors import ServiceError
from app.services.reports import match_secret
from app.services.seed_demo import seed_demo_reports
from app.services.staff_accounts import create_demo_staff, create_staff


def init_app(app: Flask) -> None:
    for command in (create_staff_command, create_demo_staff_command, purge_drafts_command, seed_demo_command,
                    rescan_evidence_command, reencrypt_command, apply_retention_command):
        app.cli.add_command(command)


@click.command("create-staff")
@with_appcontext
@click.option("--name", prompt="Full name")
@click.option("--email", prompt="Email address")
@click.option("--role", prompt="Role", type=click.Choice([r.value for r in Role]))
@click.option("--veo", is_flag=True, help="Mark an officer as a Victim Engagement Officer.")
@click.password_option("--password", prompt="Password (not shown)", confirmation_prompt=True)
def create_staff_command(name: str, email: str, role: str, veo: bool, password: str) -> None:
    """Create a staff account. The password is prompted for and never echoed."""
    try:
        user = create_staff(Actor.system("cli"), name, email, Role(role), password, is_veo=veo,
                            must_change_password=False)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created staff account {user.id} ({user.role.label}).")
    click.echo("They set up their second factor at first sign-in.")


@click.command("create-demo-staff")
@with_appcontext
def create_demo_staff_command() -> None:
    """Development only: create one demo account per role if there are no staff accounts."""
    if not current_app.config.get("CREATE_DEMO_STAFF"):
        raise click.ClickException("Demo accounts are only created in the development configuration.")
    credentials = create_demo_staff()
    if not credentials:
        click.echo("Staff accounts already exist: no demo accounts created.")
        return
    # Printed to this terminal only, never logged: each must be changed at first sign-in.
    click.echo("Demo staff accounts (one-time passwords, change at first sign-in):")
    for cred in credentials:
        click.echo(f"  {cred.role.label:<14} {cred.email:<36} {cred.password}")


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command() -> None:
    """Delete every expired draft and its files (run from cron; drafts past their time are also deleted on access)."""
    count = drafts.purge_expired()
    click.echo(f"Deleted {count} expired draft{'s' if count != 1 else ''}.")


@click.command("seed-demo")
@with_appcontext
@click.option("--reports", "count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True,
              help="How many synthetic reports to add.")
@click.option("--seed", type=int, default=None, help="Random seed, for the same data every time.")
@click.option("--awaiting", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Share of the reports still awaiting triage (the rest are history).")
def seed_demo_command(count: int, seed: int | None, awaiting: float) -> None:
    """Bulk-insert synthetic reports (invented people) with incidents, repeat victims and suspects."""
    step = max(count // 10, 10_000)

    def progress(done: int) -> None:
        if done % step == 0 or done == count:
            click.echo(f"  {done:,} reports")

    result = seed_demo_reports(count, seed=seed, awaiting_share=awaiting, secret=match_secret(), progress=progress)
    click.echo(f"Loaded {result.reports:,} reports, {result.incidents:,} incidents and {result.people:,} people "
               f"in {result.seconds:.1f} s.")


@click.command("rescan-evidence")
@with_appcontext
@click.option("--batch", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Files read per query (each file is scanned and saved on its own).")
def rescan_evidence_command(batch: int) -> None:
    """Scan evidence files not yet scanned (run from cron); exits 1 while the scanner cannot be reached."""
    summary = evidence.rescan_pending(Actor.system("cli"), batch=batch)
    counts = summary.counts
    click.echo(f"Scanned clean: {counts[evidence.Rescan.CLEAN]}. Infected and removed: "
               f"{counts[evidence.Rescan.INFECTED]}. Unreadable: {counts[evidence.Rescan.UNREADABLE]}. "
               f"Still not scanned: {summary.still_pending}.")
    if not summary.scanner_available:
        raise click.ClickException("The malware scanner could not be reached (CLAMD_SOCKET or CLAMD_HOST): "
                                   "files stay not yet scanned and are not served. Run this again later.")


@click.command("reencrypt")
@with_appcontext
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="Rows per transaction: small batches keep every lock short while the app serves.")
@click.option("--pause", type=click.FloatRange(0, 60), default=0.0, show_default=True,
              help="Seconds to wait between batches, to go easy on a busy database.")
@click.option("--check", is_flag=True, help="Only count what is not yet under the current key; change nothing.")
def reencrypt_command(batch_size: int, pause: float, check: bool) -> None:
    """Re-encrypt every sealed value under the current key (after a rotation); safe to stop and run again."""
    ring = current_keyring()
    click.echo(f"Current key: {ring.current_id}")
    resealed: dict[str, int] = {}
    if not check:
        for reencryptor in reencryption.reencryptors():
            after, total = 0, 0
            while True:
                batch = reencryption.reseal_batch(reencryptor.name, after=after, limit=batch_size)
                total += batch.resealed
                if batch.next_after is None:
                    break
                after = batch.next_after
                if pause:
                    time.sleep(pause)
            resealed[reencryptor.name] = total
            if total:
                click.echo(f"  {reencryptor.name}: {total:,} resealed")
    left = reencryption.pending()
    if not check:
        reencryption.record_run(Actor.system("cli"), resealed, left)
    waiting = {name: count for name, count in left.items() if count}
    if waiting:
        for name, count in waiting.items():
            click.echo(f"  {name}: {count:,} still under an older key")
        if check:
            return
        raise click.ClickException("Some values are still under an older key (written meanwhile by a process "
                                   "without the new ENCRYPTION_KEYS?): deploy the key ring everywhere and run again.")
    others = sorted(set(ring.keys) - {ring.current_id})
    click.echo(f"Everything is under key {ring.current_id}."
               + (f" Keys no longer needed: {', '.join(others)}." if others else ""))


@click.command("apply-retention")
@with_appcontext
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=200, show_default=True,
              help="Records per transaction.")
def apply_retention_command(batch_size: int) -> None:
    """Delete or anonymise what the retention policy says has expired (cron-safe: idempotent, one run at a time)."""
    try:
        retention.policy()
    except PolicyError as error:
        raise click.ClickException(str(error)) from error
    now = uk_time.utcnow()
    with retention.single_run() as go:
        if not go:
            click.echo("Another retention run is in progress: nothing done.")
            return
        counts: dict[str, int] = {}
        for kind in retention.KINDS:
            total = 0
            while True:
                done = retention.apply_batch(kind, now=now, limit=batch_size)
                total += done
                if done < batch_size:
                    break
            counts[kind] = total
        retention.record_summary(Actor.system("cli"), counts, now=now)
    for kind, count in counts.items():
        click.echo(f"  {kind.replace('_', ' ')}: {count:,}")
