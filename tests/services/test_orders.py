"""The orders service on the real database: creating and reading, the one completion path under the
dispatch API's rules (also the page's) and the Lavka API's, cancelling, and the waiting queue."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from delivery.domain.errors import Conflict, Invalid, NotFound
from delivery.models import Courier, Order
from delivery.services import dispatch, couriers, orders, planning
from delivery.services.orders import Completion

DAY = date(2026, 3, 1)
HOURS = ["10:00-12:00"]


def _lavka_courier(session, regions=(1,)) -> int:
    [made] = couriers.create_couriers(
        session, [{"courier_type": "FOOT", "regions": list(regions), "working_hours": HOURS}])
    return made["courier_id"]


def _new_orders(session, n: int, region: int = 1) -> list[int]:
    made = orders.create_orders(
        session, [{"weight": 1.0, "regions": region, "delivery_hours": HOURS, "cost": 100}] * n)
    return [o.id for o in made]


def test_created_orders_read_back_by_id_and_by_page(session):
    ids = _new_orders(session, 3, region=4)
    assert ids == sorted(ids) and len(set(ids)) == 3
    one = orders.read_order(session, ids[1])
    assert (one.id, one.weight, one.district_id, one.delivery_hours, one.cost, one.completed_at) == (
        ids[1], 1.0, 4, HOURS, 100, None)
    assert [row.id for row in orders.read_orders(session, offset=1, limit=5)] == ids[1:]
    with pytest.raises(NotFound, match=f"^no order {ids[-1] + 1}$"):
        orders.read_order(session, ids[-1] + 1)


def test_the_dispatch_rules_refuse_with_the_contracts_messages(session):
    couriers.register(session, "Ann", ["Center"])
    placed = dispatch.dispatch_order(session, "Soup", "Center")
    waiting = dispatch.dispatch_or_wait(session, "Bread", "Center", keep_waiting=True).order
    assert waiting.status == "waiting"
    with pytest.raises(Conflict, match="^Order is not assigned to a courier$"):
        orders.complete(session, [Completion(waiting.uuid)])
    with pytest.raises(NotFound, match="^Order not found$"):
        orders.complete(session, [Completion(uuid.uuid4())])
    orders.complete(session, [Completion(placed["order_id"])])
    with pytest.raises(Conflict, match="^Order already completed$"):
        orders.complete(session, [Completion(placed["order_id"])])


def test_a_completion_hands_the_oldest_waiting_order_to_the_freed_courier(session):
    ann = couriers.register(session, "Ann", ["Center"])
    placed = dispatch.dispatch_order(session, "Soup", "Center")
    older = dispatch.dispatch_or_wait(session, "Older", "Center", keep_waiting=True).order.id
    newer = dispatch.dispatch_or_wait(session, "Newer", "Center", keep_waiting=True).order.id

    orders.complete(session, [Completion(placed["order_id"])])
    session.expire_all()
    courier = session.scalar(select(Courier).where(Courier.uuid == ann.id))
    assert session.get(Order, older).status == "assigned" and courier.active_order_id == older
    assert session.get(Order, newer).status == "waiting" and courier.free_since is None


def test_the_page_completes_by_the_dispatch_rules(session):
    couriers.register(session, "Ann", ["Center"])
    placed = dispatch.dispatch_order(session, "Soup", "Center")
    order_id = session.scalar(select(Order.id).where(Order.uuid == placed["order_id"]))
    done = orders.complete_order(session, order_id)
    assert done.id == order_id and done.status == "completed" and done.completed_at is not None
    with pytest.raises(Conflict, match="^Order already completed$"):
        orders.complete_order(session, order_id)
    with pytest.raises(NotFound, match=f"^No order {order_id + 1}$"):
        orders.complete_order(session, order_id + 1)


def test_the_lavka_rules_refuse_all_or_nothing(session):
    ann, bob = _lavka_courier(session), _lavka_courier(session)
    mine, theirs = _new_orders(session, 2)
    when = datetime(2026, 3, 1, 11, 0)
    orders.complete(session, [Completion(theirs, bob, when, 0)], lavka=True, strict=False)

    for wanted, message in [
        ([Completion(mine, ann, when, 0), Completion(theirs, ann, when, 0)],
         f"^order {theirs} was completed by another courier$"),
        ([Completion(mine, ann, when, 0), Completion(mine + 100, ann, when, 0)], "^unknown order or courier$"),
        ([Completion(mine, ann + 100, when, 0)], "^unknown order or courier$"),
    ]:
        with pytest.raises(Invalid, match=message):
            orders.complete(session, wanted, lavka=True, strict=False)
        session.rollback()
        assert session.get(Order, mine).status == "new"  # nothing of the batch was stored


def test_a_planned_courier_is_free_again_after_his_last_order_only(session):
    ann = _lavka_courier(session)
    first, second = _new_orders(session, 2)
    planning.assign_orders(session, DAY, time_limit=1.0)
    session.expire_all()
    assert {o.status for o in session.scalars(select(Order))} == {"assigned"}
    with pytest.raises(Invalid, match=f"^order {first} is assigned to another courier$"):
        orders.complete(session, [Completion(first, _lavka_courier(session), datetime(2026, 3, 1, 10, 20), 0)],
                        lavka=True)
    session.rollback()

    registered = session.get(Courier, ann).free_since
    orders.complete(session, [Completion(first, ann, datetime(2026, 3, 1, 10, 20), 3)], lavka=True)
    session.expire_all()
    assert session.get(Courier, ann).free_since == registered  # not free yet: the second order is still his
    [done] = orders.complete(session, [Completion(second, ann, datetime(2026, 3, 1, 10, 40), 3)], lavka=True)
    session.expire_all()
    courier = session.get(Courier, ann)
    assert courier.free_since == datetime(2026, 3, 1, 10, 40) and done.completed_time_digits == 3
    # The statistics refresh is queued for a Lavka completion as for the dispatch API's (immediate here).
    assert courier.stats_as_of == datetime(2026, 3, 1, 10, 40)


def test_only_a_waiting_order_is_cancelled(session):
    couriers.register(session, "Ann", ["Center"])
    taken = dispatch.dispatch_or_wait(session, "Soup", "Center", keep_waiting=True).order.id
    queued = dispatch.dispatch_or_wait(session, "Bread", "Center", keep_waiting=True).order.id
    assert orders.cancel(session, queued).status == "cancelled"
    with pytest.raises(Conflict, match="^Only a waiting order can be cancelled$"):
        orders.cancel(session, taken)
    with pytest.raises(NotFound, match=f"^No order {queued + 1}$"):
        orders.cancel(session, queued + 1)
