"""`flask` commands: fixtures, users, and operations on the running system."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from delivery.domain.errors import DomainError, NotFound
from delivery.extensions import db
from delivery.models import CHECK_TYPES, ROLES
from delivery.services import fixtures, receipts, users

users_cli = AppGroup("users", help="Manage dispatcher and admin accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="dispatcher", show_default=True)
def create_user_command(username: str, password: str, role: str) -> None:
    """Create a user who can sign in to the pages (admins also to /admin)."""
    try:
        user = users.create_user(db.session(), username, password, role)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created {user.role} {user.username}")


@click.command("seed")
@click.option("--demo/--printers-only", default=True, help="Also load demo users, couriers and orders.")
def seed_command(demo: bool) -> None:
    """Load the fixture printers (keys key1...) and, by default, the demo data; safe to repeat.

    Only on the embedded default database (and in tests): anywhere else it loads nothing and says
    how to make the first admin and the printers.
    """
    if not fixtures.demo_allowed(current_app.config):
        click.echo(fixtures.NO_DEMO_HERE, err=True)
        return
    if demo:
        loaded = fixtures.load_demo(db.session())
    else:
        loaded = {"printers": fixtures.load_printers(db.session())}
    click.echo("loaded " + ", ".join(f"{n} {what}" for what, n in loaded.items()))
    if demo:
        click.echo("demo sign-in: " + ", ".join(f"{name} / {password}" for name, password, _ in fixtures.DEMO_USERS))


printers_cli = AppGroup("printers", help="Manage receipt printers.")


@printers_cli.command("create")
@click.option("--point", "point_id", type=click.IntRange(1, 2**31 - 1), required=True, help="Point of sale id.")
@click.option("--type", "check_type", type=click.Choice(CHECK_TYPES), required=True, help="Checks it prints.")
@click.option("--name", default=None, help="Shown in /admin; default: Point N kitchen|client.")
def create_printer_command(point_id: int, check_type: str, name: str | None) -> None:
    """Add a printer with a random api key, printed once: configure the printer with it."""
    try:
        printer = receipts.create_printer(db.session(), point_id, check_type, name)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created printer {printer.id}: {printer}")
    click.echo(f"api_key: {printer.api_key}")


checks_cli = AppGroup("checks", help="Operate on receipt checks and their PDFs.")


@checks_cli.command("requeue")
@click.option("--check-id", type=int, default=None, help="Re-render this one check, whatever its status.")
def requeue_checks_command(check_id: int | None) -> None:
    """Queue a PDF task for every check still `new`: waiting, lost or failed (or re-render one with --check-id)."""
    from delivery.services.jobs import queued

    if check_id is not None:
        try:
            receipts.rerender(db.session(), check_id)
        except NotFound as error:
            raise click.ClickException(f"no check {check_id}") from error
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"queued check {check_id}")
        return
    ids = receipts.stuck_check_ids(db.session())
    for stuck_id in ids:
        queued().render_check(stuck_id)
    click.echo(f"queued {len(ids)} checks")


def register_cli(app: Flask) -> None:
    """Attach the commands to the app's `flask` CLI."""
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(printers_cli)
    app.cli.add_command(checks_cli)
