"""The migrations build the schema the models describe, and the database enforces the invariants."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from delivery.extensions import db
from delivery.models import Check, Courier, District, Order, Printer, Trip


def test_migrations_match_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_schema_has_every_table(app):
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert {"districts", "couriers", "courier_districts", "orders", "trips", "printers", "checks",
            "users", "task_runs", "alembic_version"} <= names


def test_downgrade_and_upgrade_again(make_app, tmp_path):
    """A fresh SQLite file goes up, down to nothing and up again."""
    from flask_migrate import downgrade, upgrade

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade()
        assert "orders" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "orders" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "orders" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def _courier(session, district_id=1, **kw):
    if session.get(District, district_id) is None:
        session.add(District(id=district_id, name=f"d{district_id}"))
    courier = Courier(type="FOOT", working_hours=[], **kw)
    session.add(courier)
    session.flush()
    return courier


def _refused(session, statement_or_callable):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            statement_or_callable()
            session.flush()


def test_one_live_order_per_courier(session):
    courier = _courier(session)
    session.add(Order(district_id=1, status="assigned", courier_id=courier.id))
    session.flush()
    _refused(session, lambda: session.add(Order(district_id=1, status="assigned", courier_id=courier.id)))
    # Planned trips may give a courier many orders; only live (trip-less) ones are limited to one.
    trip = Trip(courier_id=courier.id, date=__import__("datetime").date(2026, 1, 1), start_minute=600, end_minute=660)
    session.add(trip)
    session.flush()
    session.add_all([Order(district_id=1, status="assigned", courier_id=courier.id, trip_id=trip.id) for _ in range(2)])
    session.flush()


def test_order_constraints(session):
    courier = _courier(session)
    _refused(session, lambda: session.add(Order(district_id=1, weight=0)))
    _refused(session, lambda: session.add(Order(district_id=1, cost=-1)))
    _refused(session, lambda: session.add(Order(district_id=1, status="lost")))
    _refused(session, lambda: session.add(Order(district_id=1, status="assigned")))  # no courier
    _refused(session, lambda: session.add(Order(district_id=1, status="completed", courier_id=courier.id)))
    _refused(session, lambda: session.add(Order(district_id=999)))  # no such district


def test_courier_type_and_unique_uuid(session):
    courier = _courier(session)
    _refused(session, lambda: session.add(Courier(type="BOAT", working_hours=[])))
    _refused(session, lambda: session.add(Courier(type="FOOT", working_hours=[], uuid=courier.uuid)))


def test_district_names_unique(session):
    session.add(District(id=1, name="Center"))
    session.flush()
    _refused(session, lambda: session.add(District(id=2, name="Center")))


def test_printer_keys_and_checks_unique(session):
    printer = Printer(name="p", api_key="k", check_type="client", point_id=1)
    session.add(printer)
    session.flush()
    _refused(session, lambda: session.add(Printer(name="q", api_key="k", check_type="kitchen", point_id=2)))
    _refused(session, lambda: session.add(Printer(name="q", api_key="k2", check_type="bar", point_id=2)))
    session.add(Check(printer_id=printer.id, type="client", order={"id": 5}, order_id=5))
    session.flush()
    _refused(session, lambda: session.add(Check(printer_id=printer.id, type="client", order={"id": 5}, order_id=5)))
    _refused(session, lambda: session.add(Check(printer_id=printer.id, type="client", order={}, order_id=6, status="lost")))


def test_sqlite_runs_with_foreign_keys_and_wal(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_uuid_round_trips(session):
    courier = _courier(session)
    session.commit()
    assert isinstance(session.get(Courier, courier.id).uuid, uuid.UUID)
