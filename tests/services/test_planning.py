"""Day planning on the real database: the new trips and a day's trips come back as a DayPlan (couriers by
id, each one's trips in time order, each trip with its orders in delivery order)."""
from __future__ import annotations

from datetime import date

import pytest

from delivery.domain.errors import Invalid
from delivery.services import couriers, orders, planning

DAY = date(2026, 3, 1)


def _setup(session) -> tuple[list[int], list[int]]:
    made = couriers.create_couriers(session, [
        {"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-12:00"]},
        {"courier_type": "FOOT", "regions": [2], "working_hours": ["10:00-12:00"]},
        {"courier_type": "FOOT", "regions": [3], "working_hours": ["10:00-12:00"]},
    ])
    placed = orders.create_orders(session, [
        {"weight": 1.0, "regions": region, "delivery_hours": ["10:00-11:00"], "cost": 100} for region in (2, 1, 2)])
    return [c["courier_id"] for c in made], [o.id for o in placed]


def test_the_new_trips_and_the_day_s_trips_are_one_day_plan(session):
    (first, second, idle), (o1, o2, o3) = _setup(session)
    made = planning.assign_orders(session, DAY, time_limit=0.1)
    assert made.date == DAY and [c.courier_id for c in made.couriers] == [first, second]
    planned = {c.courier_id: [[o.id for o in t.orders] for t in c.trips] for c in made.couriers}
    assert planned[first] == [[o2]] and sorted(sum(planned[second], [])) == [o1, o3]
    listed = planning.assignments(session, DAY)
    assert [(c.courier_id, [(t.trip_id, [o.id for o in t.orders]) for t in c.trips]) for c in listed.couriers] == [
        (c.courier_id, [(t.trip_id, [o.id for o in t.orders]) for t in c.trips]) for c in made.couriers]
    # One courier: its trips, or an empty list for a courier with none; an unknown one is refused.
    assert [c.courier_id for c in planning.assignments(session, DAY, first).couriers] == [first]
    assert planning.assignments(session, DAY, idle) == planning.DayPlan(DAY, [planning.CourierTrips(idle, [])])
    with pytest.raises(Invalid, match="^no courier 99$"):
        planning.assignments(session, DAY, 99)
