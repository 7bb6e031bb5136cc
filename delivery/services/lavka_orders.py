"""Lavka orders: batch creation, reading, paging and completion.

Completion runs in one write transaction (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL), so two
concurrent completions of one order cannot both change it; a repeat by the same courier is a no-op.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session, lazyload

from delivery.domain.lavka_time import format_instant
from delivery.errors import ApiError
from delivery.models import Courier, Order
from delivery.services import bulk, dispatch, districts, waiting
from delivery.services.clock import utcnow
from delivery.services.tx import autocommit_engine, read_rows, write_transaction


def order_dto(order: Order) -> dict[str, Any]:
    """The contract's OrderDto of a stored order (or a row of its columns); `completed_time` is null
    until completed."""
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


# PostgreSQL: a whole batch in one statement, its own transaction. The regions no district has yet
# become districts named by their number ("Region <n>" when a dispatch district already has that
# name, as `districts.ensure_ids`), then the orders go in, the rows passed as arrays (psycopg2
# builds each in C); the new ids come back with the uuids they were given, so request order holds.
_CREATE_PG = text("""
WITH wanted AS (SELECT DISTINCT unnest(CAST(:regions AS integer[])) AS id),
new_districts AS (
    INSERT INTO districts (id, name)
    SELECT wanted.id, CASE WHEN EXISTS (SELECT 1 FROM districts d WHERE d.name = wanted.id::text)
                           THEN 'Region ' || wanted.id ELSE wanted.id::text END
    FROM wanted WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.id = wanted.id)
    ORDER BY wanted.id
    ON CONFLICT DO NOTHING
)
INSERT INTO orders (uuid, weight, district_id, delivery_hours, cost, status)
SELECT given.uuid, given.weight, given.district_id, CAST(given.hours AS json), given.cost, 'new'
FROM unnest(CAST(:uuids AS uuid[]), CAST(:weights AS double precision[]), CAST(:regions AS integer[]),
            CAST(:hours AS text[]), CAST(:costs AS integer[]))
     WITH ORDINALITY AS given(uuid, weight, district_id, hours, cost, n)
ORDER BY given.n
RETURNING uuid, id
""")


def create_orders(session: Session, orders: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store a validated batch atomically; return OrderDtos in request order."""
    engine = autocommit_engine(session)
    if engine is None:
        return _create_orders_sqlite(session, orders)
    uuids = [str(uuid.uuid4()) for _ in orders]
    with engine.connect() as connection:
        ids = {str(key): order_id for key, order_id in connection.execute(_CREATE_PG, {
            "uuids": uuids, "weights": [float(o["weight"]) for o in orders],
            "regions": [o["regions"] for o in orders], "costs": [o["cost"] for o in orders],
            "hours": [json.dumps(list(o["delivery_hours"])) for o in orders],
        })}
    return [
        {"order_id": ids[key], "weight": float(o["weight"]), "regions": o["regions"],
         "delivery_hours": list(o["delivery_hours"]), "cost": o["cost"], "completed_time": None}
        for key, o in zip(uuids, orders)
    ]


def _create_orders_sqlite(session: Session, orders: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
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


_O = Order.__table__.c
# What an OrderDto shows, as plain columns (`order_dto` reads a row of them as it reads an Order).
_DTO_COLUMNS = select(_O.id, _O.weight, _O.district_id, _O.delivery_hours, _O.cost, _O.completed_at,
                      _O.completed_time_digits)
_ONE = _DTO_COLUMNS.where(_O.id == bindparam("order_id"))
# The offset is walked in the primary key's index alone (an index-only scan), then the page is read
# from the first id on: rows skipped are never fetched.
_FIRST_ID = select(_O.id).order_by(_O.id).offset(bindparam("offset")).limit(1).scalar_subquery()
_PAGE = _DTO_COLUMNS.where(_O.id >= _FIRST_ID).order_by(_O.id).limit(bindparam("limit"))


def get_order(session: Session, order_id: int) -> dict[str, Any]:
    """Return one order's OrderDto or raise a 404."""
    rows = read_rows(session, _ONE, {"order_id": order_id})
    if not rows:
        raise ApiError(404, f"no order {order_id}")
    return order_dto(rows[0])


def list_orders(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return a page of orders ordered by id."""
    return [order_dto(row) for row in read_rows(session, _PAGE, {"offset": offset, "limit": limit})]


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
