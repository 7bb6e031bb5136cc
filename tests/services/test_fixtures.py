"""The demo data, on the real database: loaded in one transaction, by the services' own rules."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from delivery.models import Courier, District, Order, Printer, User
from delivery.services import fixtures, users

TABLES = (Printer, User, District, Courier, Order)


def counts(session) -> dict[str, int]:
    return {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_the_demo_loads_whole_or_not_at_all(session, monkeypatch):
    def broken(session, couriers):
        raise RuntimeError("the couriers could not be stored")

    monkeypatch.setattr("delivery.services.couriers.store", broken)
    with pytest.raises(RuntimeError):
        fixtures.load_demo(session)
    assert set(counts(session).values()) == {0}  # neither printers nor users were kept


def test_the_demo_follows_the_services_rules_and_a_second_run_adds_nothing(session):
    assert fixtures.load_demo(session) == {"printers": 7, "users": 2, "couriers": 4, "orders": 6}
    for username, password, role in fixtures.DEMO_USERS:
        assert users.authenticate(session, username, password).role == role
    demo = session.scalars(select(Courier).order_by(Courier.id)).all()
    assert [c.name for c in demo] == [name for name, *_ in fixtures.COURIERS]
    assert all(c.free_since is not None and c.active_order_id is None for c in demo)
    assert [[d.district_id for d in c.districts] for c in demo] == [d for *_, d in fixtures.COURIERS]
    before = counts(session)
    assert fixtures.load_demo(session) == {"printers": 0, "users": 0, "couriers": 0, "orders": 0}
    assert fixtures.load_printers(session) == 0
    assert counts(session) == before


def test_the_fixture_printers_keep_their_known_keys(session):
    assert fixtures.load_printers(session) == len(fixtures.PRINTERS)
    keys = session.scalars(select(Printer.api_key).order_by(Printer.id)).all()
    assert keys == [key for _, key, *_ in fixtures.PRINTERS]
