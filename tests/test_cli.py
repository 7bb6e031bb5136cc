"""The `flask` commands' refusals, through the app's CLI runner: a clear message and exit code 1, never a
traceback, and nothing made."""
from __future__ import annotations

from sqlalchemy import func, select

from delivery.models import Printer, User


def test_users_create_makes_a_user(runner, session):
    result = runner.invoke(args=["users", "create", "ann", "--password", "secret-pass", "--role", "admin"])
    assert result.exit_code == 0 and "created admin ann" in result.output, result.output
    assert session.scalar(select(User.role).where(User.username == "ann")) == "admin"


def test_users_create_refuses_a_taken_name(runner, session):
    assert runner.invoke(args=["users", "create", "ann", "--password", "secret-pass"]).exit_code == 0
    again = runner.invoke(args=["users", "create", "ann", "--password", "other-pass"])
    assert again.exit_code == 1 and "Error: user 'ann' exists already" in again.output, again.output
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_users_create_refuses_an_empty_name_or_password(runner, session):
    for args in (["  ", "--password", "secret-pass"], ["ann", "--password", ""]):
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code == 1 and "username and password are required" in result.output, result.output
    unknown_role = runner.invoke(args=["users", "create", "ann", "--password", "x", "--role", "root"])
    assert unknown_role.exit_code == 2 and "root" in unknown_role.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_printers_create_names_the_printer_and_refuses_a_bad_type(runner, session):
    made = runner.invoke(args=["printers", "create", "--point", "5", "--type", "client", "--name", "Till 2"])
    assert made.exit_code == 0 and "Till 2 (client, point 5)" in made.output and "api_key: " in made.output
    bad = runner.invoke(args=["printers", "create", "--point", "5", "--type", "bar"])
    assert bad.exit_code == 2 and "'bar' is not one of 'kitchen', 'client'" in bad.output, bad.output
    missing = runner.invoke(args=["printers", "create", "--type", "client"])
    assert missing.exit_code == 2 and "--point" in missing.output
    assert session.scalar(select(func.count()).select_from(Printer)) == 1

