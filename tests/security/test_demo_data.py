"""Demo rows only on the embedded default: `flask seed` (what `make run` runs) loads nothing on any
other database; the first admin comes from `flask users create`, printers from `flask printers
create` with a random key."""
from __future__ import annotations

import re

from flask_migrate import upgrade
from sqlalchemy import func, select

from delivery.app import create_app
from delivery.config import embedded_database_url
from delivery.extensions import db
from delivery.models import Courier, Order, Printer, User

DEMO_TABLES = (User, Printer, Courier, Order)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in DEMO_TABLES}


def test_make_run_seed_loads_no_demo_rows_here(run_process, app):
    for command in (["flask", "seed"], ["flask", "seed", "--printers-only"]):
        result = run_process(*command)
        assert result.returncode == 0, result.stderr
        assert "no demo data loaded" in result.stderr and "flask users create" in result.stderr
    assert _counts(app) == {"User": 0, "Printer": 0, "Courier": 0, "Order": 0}


def test_first_admin_and_printers_from_the_commands(run_process, app, runner):
    made = run_process("flask", "users", "create", "root", "--password", "a long passphrase", "--role", "admin")
    assert made.returncode == 0 and "created admin root" in made.stdout, made.stderr
    keys = []
    for check_type in ("kitchen", "client"):
        result = runner.invoke(args=["printers", "create", "--point", "1", "--type", check_type])
        assert result.exit_code == 0, result.output
        keys.append(re.search(r"^api_key: (\S+)$", result.output, re.MULTILINE).group(1))
    assert len(set(keys)) == 2 and all(len(key) >= 40 for key in keys)
    with app.app_context():
        printers = db.session.scalars(select(Printer).order_by(Printer.id)).all()
        assert [(p.point_id, p.check_type, p.api_key, p.name) for p in printers] == [
            (1, "kitchen", keys[0], "Point 1 kitchen"), (1, "client", keys[1], "Point 1 client")]
    client = app.test_client()
    assert client.get("/new_checks/", query_string={"api_key": keys[0]}).status_code == 200
    assert client.post("/login", data={"username": "root", "password": "a long passphrase"}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_printers_create_refuses_a_bad_type_or_point(app, runner):
    assert runner.invoke(args=["printers", "create", "--point", "1", "--type", "bar"]).exit_code == 2
    assert runner.invoke(args=["printers", "create", "--point", "0", "--type", "client"]).exit_code == 2
    assert _counts(app)["Printer"] == 0


def test_embedded_default_gets_the_demo(tmp_path):
    demo = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": embedded_database_url(tmp_path),
                       "SECRET_KEY": "", "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"), "HUEY_IMMEDIATE": True})
    with demo.app_context():
        upgrade()
        result = demo.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0 and "demo sign-in: admin / admin" in result.output, result.output
    assert _counts(demo) == {"User": 2, "Printer": 7, "Courier": 4, "Order": 6}
    with demo.app_context():
        db.engine.dispose()
