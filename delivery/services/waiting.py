"""Waiting orders: a dispatch from the page that found no free courier is kept, and goes to the next
courier of its district who becomes free, oldest order first.

The live dispatch API never waits (its 409 stores nothing, dispatch.md); only the orders page keeps
an order waiting. Whatever frees or adds a courier calls `assign_to_couriers` inside its own write
transaction: both APIs' completions, a new courier (either door, the pages, an import) and a
courier's districts edited. On PostgreSQL the courier row is locked (`FOR UPDATE`; the completion
already holds it) and the waiting order with `FOR UPDATE SKIP LOCKED`, so two transactions never
hand one order to two couriers, and the partial unique index on live orders still guarantees one
live order per courier. On SQLite `write_transaction` serialises the writers (`BEGIN IMMEDIATE`).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from delivery.domain.order_status import OrderStatus, check_move
from delivery.errors import ApiError
from delivery.models import Courier, CourierDistrict, Order
from delivery.services.clock import utcnow
from delivery.services.tx import is_sqlite, write_transaction

WAITING = OrderStatus.WAITING.value
ASSIGNED = OrderStatus.ASSIGNED.value


def keep(session: Session, *, name: str, district_id: int, details: dict[str, Any]) -> Order:
    """Store the order as waiting, then hand it at once to a courier freed meanwhile, if any.

    The second transaction closes the gap between the dispatch that found nobody and the insert: a
    courier freed in between saw no waiting order, so it is looked for here.
    """
    with write_transaction(session):
        order = Order(name=name, district_id=district_id, status=WAITING, **details)
        session.add(order)
        session.flush()
        order_id = order.id
    with write_transaction(session):
        free = session.scalars(_free_couriers(_serving(district_id)).order_by(Courier.free_since, Courier.id))
        assign_to_couriers(session, list(free))
    return session.get(Order, order_id)


def cancel(session: Session, order_id: int) -> Order:
    """Withdraw a waiting order; 409 when it is no longer waiting (assigned meanwhile, say)."""
    with write_transaction(session):
        status = session.scalar(select(Order.status).where(Order.id == order_id).with_for_update())
        if status is None:
            raise ApiError(404, f"No order {order_id}")
        try:
            check_move(status, OrderStatus.CANCELLED.value)
        except ValueError as error:
            raise ApiError(409, "Only a waiting order can be cancelled") from error
        session.execute(update(Order).where(Order.id == order_id).values(status=OrderStatus.CANCELLED.value))
    return session.get(Order, order_id)


def _serving(district_id: int):
    return exists().where(CourierDistrict.courier_id == Courier.id, CourierDistrict.district_id == district_id)


def _free_couriers(*conditions):
    """Couriers with no live order and no assigned order at all (planned trips included), as dispatch.md."""
    busy = exists().where(Order.courier_id == Courier.id, Order.status == ASSIGNED)
    return select(Courier.id).where(Courier.active_order_id.is_(None), ~busy, *conditions)


def _waiting_for(courier_id: int):
    """The oldest waiting order of the courier's districts (ids only grow: the oldest is the lowest)."""
    districts = select(CourierDistrict.district_id).where(CourierDistrict.courier_id == courier_id)
    return (
        select(Order.id)
        .where(Order.status == WAITING, Order.district_id.in_(districts))
        .order_by(Order.id)
        .limit(1)
    )


def assign_to_couriers(session: Session, courier_ids: Iterable[int]) -> dict[int, int]:
    """Give each of these couriers that is free the oldest waiting order of its districts.

    Runs inside the caller's write transaction; returns {order id: courier id} of what it assigned.
    """
    ids = sorted(set(courier_ids))
    if not ids:
        return {}
    # The common case costs one query: nothing waits in any of these couriers' districts.
    served = select(CourierDistrict.district_id).where(CourierDistrict.courier_id.in_(ids))
    if not session.scalar(select(exists().where(Order.status == WAITING, Order.district_id.in_(served)))):
        return {}
    sqlite = is_sqlite(session)
    assigned: dict[int, int] = {}
    now = utcnow()
    for courier_id in ids:  # in id order, like every other courier lock, so no lock cycle forms
        query = _free_couriers(Courier.id == courier_id)
        if not sqlite:
            query = query.with_for_update(of=Courier)
        if session.scalar(query) is None:
            continue  # busy (or gone): it keeps what it has
        waiting = _waiting_for(courier_id)
        if not sqlite:
            waiting = waiting.with_for_update(skip_locked=True)  # another transaction is taking that one
        order_id = session.scalar(waiting)
        if order_id is None:
            continue
        session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == WAITING)
            .values(status=ASSIGNED, courier_id=courier_id, assigned_at=now)
        )
        session.execute(
            update(Courier).where(Courier.id == courier_id).values(active_order_id=order_id, free_since=None)
        )
        assigned[order_id] = courier_id
    return assigned
