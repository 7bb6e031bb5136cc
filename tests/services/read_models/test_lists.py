"""The tables' read models on the real database: each filter, the order of the rows, the filter menus."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from delivery.domain.courier_types import CourierType
from delivery.domain.order_status import OrderStatus
from delivery.models import Check, Courier, Order, Trip
from delivery.services.fixtures import load_demo
from delivery.services.read_models import lists


@pytest.fixture
def demo(session):
    load_demo(session)
    return session


def _names(session, query) -> list[str]:
    return [row.name for row in session.scalars(query)]


def _ids(session, query) -> list[int]:
    return [row.id for row in session.scalars(query)]


def test_couriers_in_registration_order_by_type_district_and_text(demo):
    assert _names(demo, lists.couriers()) == ["Anna", "Boris", "Vera", "Gleb"]
    assert _names(demo, lists.couriers(courier_type=CourierType.BIKE)) == ["Boris"]
    assert _names(demo, lists.couriers(district=3)) == ["Vera", "Gleb"]
    assert _names(demo, lists.couriers(district=99)) == []
    assert _names(demo, lists.couriers("  AN  ")) == ["Anna"]
    assert _names(demo, lists.couriers("courier 2")) == ["Boris"]  # as an unnamed courier shows
    assert _names(demo, lists.couriers("#3")) == ["Vera"]
    assert _names(demo, lists.couriers("100%")) == []  # % and _ are letters here, not wildcards
    assert _names(demo, lists.couriers("a", CourierType.FOOT, 1)) == ["Anna"]


def test_couriers_free_or_busy_now(demo):
    anna = demo.query(Courier).filter_by(name="Anna").one()
    demo.add(Order(name="Live", district_id=1, status=OrderStatus.ASSIGNED.value, courier_id=anna.id))
    demo.commit()
    assert _names(demo, lists.couriers(state=lists.BUSY)) == ["Anna"]
    assert _names(demo, lists.couriers(state=lists.FREE)) == ["Boris", "Vera", "Gleb"]
    ids = [c.id for c in demo.query(Courier)]
    assert lists.busy_courier_ids(demo, ids) == {anna.id}
    assert lists.busy_courier_ids(demo, []) == set()


def test_orders_newest_first_by_status_district_and_text(demo):
    assert _ids(demo, lists.orders()) == [6, 5, 4, 3, 2, 1]
    demo.get(Order, 2).status = OrderStatus.CANCELLED.value
    demo.add(Order(name="Borscht 100%", weight=1, district_id=2, delivery_hours=[], cost=1))
    demo.commit()
    assert _ids(demo, lists.orders(status=OrderStatus.CANCELLED)) == [2]
    assert _ids(demo, lists.orders(status=OrderStatus.NEW, district=2)) == [7, 6, 3]
    assert _ids(demo, lists.orders("100%")) == [7]
    assert _ids(demo, lists.orders("Order 5")) == [5]
    assert _ids(demo, lists.orders("borscht", district=1)) == []


def test_an_order_belongs_to_the_day_it_was_created_planned_or_completed_on(demo):
    day = date(2030, 5, 17)
    moment = datetime.combine(day, datetime.min.time())
    created, completed, planned = demo.get(Order, 1), demo.get(Order, 2), demo.get(Order, 3)
    created.created_at = moment + timedelta(hours=23, minutes=59)
    completed.status, completed.courier_id, completed.completed_at = OrderStatus.COMPLETED.value, 1, moment
    trip = Trip(courier_id=1, date=day, start_minute=600, end_minute=660)
    demo.add(trip)
    demo.flush()
    planned.trip_id = trip.id
    demo.get(Order, 4).created_at = moment + timedelta(days=1)  # the next day
    demo.commit()
    assert _ids(demo, lists.orders(day=day)) == [3, 2, 1]
    assert _ids(demo, lists.orders(day=day, status=OrderStatus.COMPLETED, district=1)) == [2]


def test_checks_newest_first_by_printer_type_status_and_id(demo):
    def check(printer_id, check_type, order_id, **fields) -> Check:
        row = Check(printer_id=printer_id, type=check_type, order={"id": order_id}, order_id=order_id, **fields)
        demo.add(row)
        return row

    check(1, "kitchen", 10)
    check(2, "client", 10, status="rendered")
    check(3, "kitchen", 11, failed_at=datetime(2030, 1, 1))
    check(4, "client", 12, status="printed")
    demo.commit()
    assert _ids(demo, lists.checks()) == [4, 3, 2, 1]
    assert _ids(demo, lists.checks(printer=2)) == [2]
    assert _ids(demo, lists.checks(check_type="kitchen")) == [3, 1]
    assert _ids(demo, lists.checks(status="new")) == [3, 1]
    assert _ids(demo, lists.checks(status=lists.FAILED)) == [3]
    assert _ids(demo, lists.checks(status="printed", check_type="client")) == [4]
    assert _ids(demo, lists.checks("order 10")) == [2, 1]  # every check of an order...
    assert _ids(demo, lists.checks("check 4")) == [4]  # ...or a check by its own id
    assert _ids(demo, lists.checks("pizza")) == []


def test_filter_menus(demo):
    assert [d.name for d in lists.districts(demo)] == ["Center", "North", "South"]
    printers = lists.printers(demo)
    assert [(p.point_id, p.name) for p in printers] == sorted((p.point_id, p.name) for p in printers)


def test_search_text_collapses_spaces_and_is_bounded():
    assert lists.search_text("  Order \t 3 ") == "Order 3"
    assert lists.search_text(None) == ""
    assert len(lists.search_text("x" * 500)) == lists.SEARCH_LENGTH
