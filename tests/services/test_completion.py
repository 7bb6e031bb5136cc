"""Couriers and orders through the services themselves, on the real database (no HTTP in between):
live dispatch, the one completion path under either API's rules, and the courier freed by one rule."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from delivery.domain.errors import Conflict, Invalid, NotFound
from delivery.models import Courier, Order
from delivery.services import couriers, dispatch, orders
from delivery.services.orders import Completion


def _courier(session, courier_uuid) -> Courier:
    session.expire_all()
    return session.scalar(select(Courier).where(Courier.uuid == courier_uuid))


def _order(session, order_uuid) -> Order:
    session.expire_all()
    return session.scalar(select(Order).where(Order.uuid == order_uuid))


def test_a_dispatched_order_makes_its_courier_busy_and_completing_it_frees_him(session):
    ann = couriers.register(session, "Ann", ["Center"]).id
    assert _courier(session, ann).free_since is not None

    placed = dispatch.dispatch_order(session, "Soup", "Center")
    assert placed["courier_id"] == ann
    courier, order = _courier(session, ann), _order(session, placed["order_id"])
    assert order.status == "assigned" and courier.active_order_id == order.id and courier.free_since is None

    [done] = orders.complete(session, [Completion(placed["order_id"])])
    assert done.status == "completed" and done.courier_uuid == ann and done.uuid == placed["order_id"]
    courier, order = _courier(session, ann), _order(session, placed["order_id"])
    assert order.status == "completed" and order.completed_at == done.completed_at
    assert courier.active_order_id is None and courier.free_since == done.completed_at
    # The statistics refresh was queued after the commit (run at once here: immediate mode).
    assert courier.stats_as_of == done.completed_at and courier.avg_day_orders == 1


def test_completing_twice_or_an_unknown_order_changes_nothing(session):
    couriers.register(session, "Ann", ["Center"])
    placed = dispatch.dispatch_order(session, "Soup", "Center")
    [first] = orders.complete(session, [Completion(placed["order_id"])])
    with pytest.raises(Conflict, match="^Order already completed$"):
        orders.complete(session, [Completion(placed["order_id"])])
    assert _order(session, placed["order_id"]).completed_at == first.completed_at
    with pytest.raises(NotFound, match="^Order not found$"):
        orders.complete(session, [Completion(uuid.uuid4())])


def test_no_free_courier_stores_no_order(session):
    couriers.register(session, "Ann", ["Center"])
    dispatch.dispatch_order(session, "Soup", "Center")
    with pytest.raises(Conflict, match="^No free courier in district Center$"):
        dispatch.dispatch_order(session, "Bread", "Center")
    session.rollback()
    assert session.scalars(select(Order.name)).all() == ["Soup"]


def test_the_lavka_completion_frees_a_live_dispatched_courier(session):
    ann = couriers.register(session, "Ann", ["Center"]).id
    placed = dispatch.dispatch_order(session, "Soup", "Center")
    courier, order = _courier(session, ann), _order(session, placed["order_id"])
    when = datetime(2026, 3, 1, 10, 30)

    done = orders.complete(session, [Completion(order.id, courier.id, when, 0)], lavka=True)
    assert [o.id for o in done] == [order.id]
    courier, order = _courier(session, ann), _order(session, placed["order_id"])
    assert order.status == "completed" and order.completed_at == when
    assert courier.active_order_id is None and courier.free_since == when


def test_a_lavka_completion_is_all_or_nothing(session):
    [foot] = couriers.create_couriers(
        session, [{"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-12:00"]}])
    new = orders.create_orders(
        session, [{"weight": 1.0, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 100}] * 2)
    when = datetime(2026, 3, 1, 11, 0)
    items = [Completion(o.id, foot["courier_id"], when, 0) for o in new]

    with pytest.raises(Invalid, match=f"^order {new[0].id} was never assigned$"):  # strict: not a new order
        orders.complete(session, items, lavka=True)
    session.rollback()
    assert set(session.scalars(select(Order.status))) == {"new"}

    done = orders.complete(session, items, lavka=True, strict=False)  # bound to the completing courier
    assert [(o.completed_at, o.completed_time_digits) for o in done] == [(when, 0)] * 2
    session.expire_all()
    assert set(session.execute(select(Order.status, Order.courier_id))) == {("completed", foot["courier_id"])}
    # Idempotent: completing again keeps the first time.
    later = [Completion(item.order, item.courier_id, datetime(2026, 3, 1, 11, 30), 0) for item in items]
    assert orders.complete(session, later, lavka=True, strict=False) == done
