"""Command-line tasks: `flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app

from app.models import Role
from app.services.actor import Actor
from app.services.errors import ServiceError


def init_app(app: Flask) -> None:
    app.cli.add_command(create_staff_command)
    app.cli.add_command(create_demo_staff_command)

    from app.public import later

    later.init_app(app)


@click.command("create-staff")
@click.option("--name", prompt="Full name")
@click.option("--email", prompt="Email address")
@click.option("--role", prompt="Role", type=click.Choice([r.value for r in Role]))
@click.option("--veo", is_flag=True, help="Mark an officer as a Victim Engagement Officer.")
@click.password_option("--password", prompt="Password (not shown)", confirmation_prompt=True)
def create_staff_command(name: str, email: str, role: str, veo: bool, password: str) -> None:
    """Create a staff account. The password is prompted for and never echoed."""
    from app.services.staff_accounts import create_staff

    try:
        user = create_staff(Actor.system("cli"), name, email, Role(role), password, is_veo=veo,
                            must_change_password=False)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created staff account {user.id} ({user.role.label}).")
    click.echo("They set up their second factor at first sign-in.")


@click.command("create-demo-staff")
def create_demo_staff_command() -> None:
    """Development only: create one demo account per role if there are no staff accounts."""
    from app.services.staff_accounts import create_demo_staff

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
