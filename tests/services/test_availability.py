"""The one free/busy rule, on the real database: free for dispatch (dispatch.md) against busy now (the
pages), and the dispatch statement's SQL text picking exactly the couriers the SQLAlchemy rule does."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from delivery.domain.errors import Conflict
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, CourierDistrict, District, Order, Trip
from delivery.services import availability, dispatch
from delivery.services.tx import write_transaction

DAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 11, 0)  # minute 660
ASSIGNED, COMPLETED = OrderStatus.ASSIGNED.value, OrderStatus.COMPLETED.value


def _couriers(session) -> dict[str, int]:
    """One courier in each state, all serving district 1; {state: courier id}."""
    with write_transaction(session):
        session.add(District(id=1, name="Center"))
        names = ["free", "live", "in_trip", "later_trip", "done_only", "trip_done"]
        couriers = {}
        for name in names:
            courier = Courier(name=name, type="FOOT", working_hours=[])
            courier.districts = [CourierDistrict(position=0, district_id=1)]
            session.add(courier)
            couriers[name] = courier
        session.flush()

        def order(courier, status=ASSIGNED, trip=None, **extra):
            placed = Order(name=f"for {courier.name}", district_id=1, status=status, courier_id=courier.id,
                           trip_id=trip.id if trip else None, assigned_at=NOW - timedelta(hours=1), **extra)
            session.add(placed)
            session.flush()
            return placed

        def trip(courier, start, end):
            made = Trip(courier_id=courier.id, date=DAY, start_minute=start, end_minute=end)
            session.add(made)
            session.flush()
            return made

        couriers["live"].active_order_id = order(couriers["live"]).id
        order(couriers["in_trip"], trip=trip(couriers["in_trip"], 600, 720), planned_minute=650)
        order(couriers["later_trip"], trip=trip(couriers["later_trip"], 900, 960), planned_minute=920)
        order(couriers["done_only"], status=COMPLETED, completed_at=NOW - timedelta(minutes=30))
        order(couriers["trip_done"], status=COMPLETED, trip=trip(couriers["trip_done"], 600, 720),
              planned_minute=640, completed_at=NOW - timedelta(minutes=10))
        ids = {name: courier.id for name, courier in couriers.items()}
    return ids


def _names(ids: dict[str, int], chosen) -> set[str]:
    by_id = {courier_id: name for name, courier_id in ids.items()}
    return {by_id[courier_id] for courier_id in chosen}


def test_free_for_dispatch_and_busy_now_differ_by_the_later_trip(session):
    ids = _couriers(session)
    free = session.scalars(select(Courier.id).where(availability.free_for_dispatch()))
    busy = session.scalars(select(Courier.id).where(availability.busy_now(NOW)))
    assert _names(ids, free) == {"free", "done_only", "trip_done"}
    assert _names(ids, busy) == {"live", "in_trip"}
    # A courier whose trip starts later is not busy on the pages, yet not free for dispatch either.
    assert availability.busy_ids(session, list(ids.values()), NOW) == {ids["live"], ids["in_trip"]}
    assert availability.next_trips(session, list(ids.values()), NOW) == {ids["later_trip"]: (DAY, 900)}


def test_busy_now_follows_the_clock(session):
    ids = _couriers(session)
    after_trips = NOW.replace(hour=12, minute=30)
    busy = session.scalars(select(Courier.id).where(availability.busy_now(after_trips)))
    assert _names(ids, busy) == {"live"}
    during_later = NOW.replace(hour=15, minute=10)
    assert availability.busy_ids(session, list(ids.values()), during_later) == {ids["live"], ids["later_trip"]}
    assert availability.current_order(session, ids["later_trip"], during_later).name == "for later_trip"
    assert availability.current_order(session, ids["later_trip"], NOW) is None


def test_the_dispatch_statements_text_picks_the_same_couriers(session):
    ids = _couriers(session)
    rule = session.scalars(select(Courier.id).where(availability.free_for_dispatch()).order_by(Courier.id)).all()
    raw = session.scalars(
        text(f"SELECT c.id FROM couriers c WHERE {availability.FREE_FOR_DISPATCH_SQL} ORDER BY c.id")
    ).all()
    assert raw == rule and _names(ids, raw) == {"free", "done_only", "trip_done"}


def test_live_dispatch_hands_orders_only_to_the_free(session):
    """On PostgreSQL the one-statement dispatch (the SQL text), on SQLite the SQLAlchemy rule."""
    ids = _couriers(session)
    picked = {dispatch.dispatch_order(session, f"Soup {n}", "Center")["courier_id"] for n in range(3)}
    with pytest.raises(Conflict):
        dispatch.dispatch_order(session, "One too many", "Center")
    uuids = dict(session.execute(select(Courier.uuid, Courier.id)).all())
    assert _names(ids, {uuids[u] for u in picked}) == {"free", "done_only", "trip_done"}
