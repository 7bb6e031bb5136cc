"""`flask` commands: fixtures, users, and operations on the running system."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from delivery.errors import ApiError
from delivery.extensions import db
from delivery.models import ROLES
from delivery.services import fixtures, users

users_cli = AppGroup("users", help="Manage dispatcher and admin accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="dispatcher", show_default=True)
def create_user_command(username: str, password: str, role: str) -> None:
    """Create a user who can sign in to the pages (admins also to /admin)."""
    try:
        user = users.create_user(db.session, username, password, role)
    except ApiError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created {user.role} {user.username}")


@click.command("seed")
@click.option("--demo/--printers-only", default=True, help="Also load demo users, couriers and orders.")
def seed_command(demo: bool) -> None:
    """Load the fixture printers (keys key1...) and, by default, the demo data; safe to repeat."""
    if demo:
        loaded = fixtures.load_demo(db.session)
    else:
        loaded = {"printers": fixtures.load_printers(db.session)}
    click.echo("loaded " + ", ".join(f"{n} {what}" for what, n in loaded.items()))


checks_cli = AppGroup("checks", help="Operate on receipt checks and their PDFs.")


@checks_cli.command("requeue")
@click.option("--check-id", type=int, default=None, help="Re-render this one check, whatever its status.")
def requeue_checks_command(check_id: int | None) -> None:
    """Queue a PDF task for every check still `new`: waiting, lost or failed (or re-render one with --check-id)."""
    from delivery.models import Check
    from delivery.services import receipts
    from delivery.tasks import render_check

    if check_id is not None:
        if db.session.get(Check, check_id) is None:
            raise click.ClickException(f"no check {check_id}")
        render_check(check_id, force=True)
        click.echo(f"queued check {check_id}")
        return
    ids = receipts.stuck_check_ids(db.session)
    for stuck_id in ids:
        render_check(stuck_id)
    click.echo(f"queued {len(ids)} checks")


def register_cli(app: Flask) -> None:
    """Attach the commands to the app's `flask` CLI."""
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(checks_cli)
