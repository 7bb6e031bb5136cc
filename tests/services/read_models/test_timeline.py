"""The plan page's timeline on the real database: the axis, the rows and bars, the waiting orders' reasons."""
from __future__ import annotations

from datetime import date

import pytest

from delivery.domain.order_status import OrderStatus
from delivery.domain.unplanned import NO_CAPACITY, NO_REGION, TOO_HEAVY
from delivery.models import Courier, District, Order, Trip
from delivery.services.fixtures import load_demo
from delivery.services.read_models.timeline import DEFAULT_AXIS, PENDING, timeline

DAY = date(2030, 5, 1)


def _plan(session, courier_id: int, start: int, end: int, order_ids: list[int]) -> Trip:
    trip = Trip(courier_id=courier_id, date=DAY, start_minute=start, end_minute=end)
    session.add(trip)
    session.flush()
    for order_id in order_ids:
        order = session.get(Order, order_id)
        order.status, order.courier_id, order.trip_id, order.planned_minute = (
            OrderStatus.ASSIGNED.value, courier_id, trip.id, start)
    session.commit()
    return trip


def test_nobody_working_shows_the_default_axis(session):
    result = timeline(session, DAY)
    assert (result.axis_start, result.axis_end) == DEFAULT_AXIS
    assert result.rows == [] and result.unplanned == [] and result.planned == 0
    assert result.hours[0] == (8 * 60, 0.0) and result.hours[-1] == (20 * 60, 100.0)


def test_rows_bars_and_the_axis_around_hours_and_trips(session):
    load_demo(session)
    session.add(Courier(name="Idle", type="FOOT", working_hours=[]))  # no hours, no trips: no row
    session.get(Courier, 4).working_hours = ["12:00-18:00", "nonsense"]  # stored before validation: skipped
    session.commit()
    trip = _plan(session, 3, 20 * 60, 20 * 60 + 30, [3, 6])  # past Vera's 08:00-20:00
    result = timeline(session, DAY)
    assert (result.axis_start, result.axis_end) == (8 * 60, 21 * 60)
    assert [row.courier.name for row in result.rows] == ["Anna", "Boris", "Vera", "Gleb"]
    vera = result.rows[2]
    assert [(bar.start, bar.end, bar.left) for bar in vera.shifts] == [(480, 1200, 0.0)]
    assert [(bar.trip, bar.left, bar.width) for bar in vera.trips] == [(trip, 92.308, pytest.approx(3.846))]
    assert [(bar.start, bar.end) for bar in result.rows[3].shifts] == [(720, 1080)]
    assert result.planned == 2
    # The day has a plan: the orders left waiting found no room in it.
    assert [(order.id, why.code) for order, why in result.unplanned] == [
        (1, NO_CAPACITY), (2, NO_CAPACITY), (4, NO_CAPACITY), (5, NO_CAPACITY)]


def test_waiting_orders_explained_before_and_after_planning(session):
    load_demo(session)
    session.add(District(id=9, name="Islands"))
    session.add_all([
        Order(name="Piano", weight=50, district_id=1, delivery_hours=["10:00-12:00"], cost=1),
        Order(name="Island", weight=1, district_id=9, delivery_hours=["10:00-12:00"], cost=1),
    ])
    session.commit()
    reasons = {order.name: why.code for order, why in timeline(session, DAY).unplanned}
    assert reasons["Piano"] == TOO_HEAVY and reasons["Island"] == NO_REGION
    assert {reasons[name] for name in reasons if name not in ("Piano", "Island")} == {PENDING}
    # Only the waiting (new) orders are listed; a trip on another day is no plan of this one.
    other_day = Trip(courier_id=1, date=date(2030, 5, 2), start_minute=600, end_minute=610)
    session.add(other_day)
    session.commit()
    assert PENDING in {why.code for _, why in timeline(session, DAY).unplanned}
