"""Lavka orders: batch creation, reading, paging and completion.

Completion runs in one write transaction (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL), so two
concurrent completions of one order cannot both change it; a repeat by the same courier is a no-op.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from delivery.domain.lavka_time import format_instant
from delivery.errors import ApiError
from delivery.models import Courier, Order
from delivery.services import bulk, dispatch, districts, waiting
from delivery.services.clock import utcnow
from delivery.services.tx import write_transaction


def order_dto(order: Order) -> dict[str, Any]:
    """The contract's OrderDto of a stored order; `completed_time` is null until completed."""
    completed = None
    if order.completed_at is not None:
        digits = order.completed_time_digits
        completed = format_instant(order.completed_at, 3 if digits is None else digits)
    return {
        "order_id": order.id,
        "weight": order.weight,
        "regions": order.district_id,
        "delivery_hours": list(order.delivery_hours),
        "cost": order.cost,
        "completed_time": completed,
    }


def create_orders(session: Session, orders: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store a validated batch atomically with one INSERT; return OrderDtos in request order."""
    with write_transaction(session):
        districts.ensure_ids(session, (o["regions"] for o in orders))
        rows = [
            {"uuid": uuid.uuid4(), "weight": float(o["weight"]), "district_id": o["regions"],
             "delivery_hours": list(o["delivery_hours"]), "cost": o["cost"], "status": "new"}
            for o in orders
        ]
        ids = bulk.insert_with_ids(session, Order.__table__, rows)
    return [
        {"order_id": order_id, "weight": row["weight"], "regions": row["district_id"],
         "delivery_hours": row["delivery_hours"], "cost": row["cost"], "completed_time": None}
        for order_id, row in zip(ids, rows)
    ]


def get_order(session: Session, order_id: int) -> dict[str, Any]:
    """Return one order's OrderDto or raise a 404."""
    order = session.get(Order, order_id)
    if order is None:
        raise ApiError(404, f"no order {order_id}")
    return order_dto(order)


def list_orders(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return a page of orders ordered by id."""
    return [order_dto(o) for o in session.scalars(select(Order).order_by(Order.id).offset(offset).limit(limit))]


def complete_orders(
    session: Session, items: Sequence[dict[str, Any]], *, strict: bool = True
) -> list[dict[str, Any]]:
    """Complete each (courier_id, order_id, (time, digits)) item, all or nothing; OrderDtos in order.

    400 when an order or a courier does not exist, when the order belongs to another courier, or
    (strict) when it was never assigned; not strict, such an order is bound to the completing courier.
    """
    with write_transaction(session):
        order_ids = sorted({item["order_id"] for item in items})
        courier_ids = sorted({item["courier_id"] for item in items})
        # Lock the orders (PostgreSQL) in id order, so concurrent requests cannot deadlock.
        orders = {
            o.id: o
            for o in session.scalars(
                select(Order)
                .options(lazyload(Order.district))
                .where(Order.id.in_(order_ids))
                .order_by(Order.id)
                .with_for_update(of=Order)
            )
        }
        couriers = {
            c.id: c for c in session.scalars(select(Courier).where(Courier.id.in_(courier_ids)))
        }
        done: list[Order] = []
        finished: dict[int, datetime] = {}  # courier id -> its latest completion in this request
        for item in items:
            order = orders.get(item["order_id"])
            courier = couriers.get(item["courier_id"])
            if order is None or courier is None:
                raise ApiError(400, "unknown order or courier")
            when, digits = item["complete_time"]
            if _complete(order, courier, when, digits, strict=strict):
                finished[courier.id] = max(when, finished.get(courier.id, when))
            done.append(order)
        session.flush()
        if finished:
            # Free again in live dispatch's queue from the last delivery; the reported time is the
            # client's, and one in the future counts as now, so a wrong clock cannot send the courier
            # to the back of the queue.
            now = utcnow()
            dispatch.free_if_idle(session, {cid: min(when, now) for cid, when in finished.items()})
            waiting.assign_to_couriers(session, finished)  # the page's orders waiting for a free courier
        result = [order_dto(o) for o in done]
    return result


def _complete(order: Order, courier: Courier, when: datetime, digits: int, *, strict: bool) -> bool:
    """Complete one order; tell whether it was completed now (False: it already was)."""
    if order.status == "completed":
        if order.courier_id != courier.id:
            raise ApiError(400, f"order {order.id} was completed by another courier")
        return False  # idempotent: the first completed_time stays
    if order.status == "new":
        if strict:
            raise ApiError(400, f"order {order.id} was never assigned")
        order.courier_id = courier.id
    elif order.courier_id != courier.id:
        raise ApiError(400, f"order {order.id} is assigned to another courier")
    order.status = "completed"
    order.completed_at = when
    order.completed_time_digits = digits
    if courier.active_order_id == order.id:
        courier.active_order_id = None  # a live-dispatched order: `dispatch.free_if_idle` sets free_since
    return True
