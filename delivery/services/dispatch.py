"""Live dispatch use cases: couriers register, orders go at once to a free courier, couriers complete them.

The busy state lives on the courier row (`active_order_id`, `free_since`), so handing out an order is
one locked courier row plus one new order row. On PostgreSQL that is one statement, its own
transaction: pick the longest-free courier with `FOR UPDATE SKIP LOCKED` (concurrent dispatches
spread over different couriers instead of queueing on one), insert the order, mark the courier busy.
It holds no lock before it runs and one row lock at a time while it does, so it never deadlocks. On
SQLite `write_transaction` starts with `BEGIN IMMEDIATE`, which serialises the writers instead. The
partial unique index `uq_orders_one_live_per_courier` is the last line: should a courier already hold
a live order the pick could not see, the insert does nothing and the dispatch tries the next courier.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, JSON, BigInteger, Integer, Uuid, bindparam, exists, select, text, update
from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import Courier, CourierDistrict, District, Order
from delivery.services import jobs, waiting
from delivery.services.clock import utcnow
from delivery.services.tx import autocommit_engine, is_sqlite, write_transaction

log = logging.getLogger(__name__)

IN_PROGRESS, COMPLETED = 1, 2


def no_free_courier(district: str) -> ApiError:
    return ApiError(409, f"No free courier in district {district}")


def _free_courier_query(district_id: int):
    """Free couriers of the district (the caller orders them), at most one.

    Free means no live order on the row and no assigned order at all, planned trips included.
    """
    serves = exists().where(
        CourierDistrict.courier_id == Courier.id, CourierDistrict.district_id == district_id
    )
    busy = exists().where(Order.courier_id == Courier.id, Order.status == "assigned")
    return select(Courier.id, Courier.uuid).where(Courier.active_order_id.is_(None), serves, ~busy).limit(1)


# Longest free first, ties to the earliest registered. Registration (either API, or the fixtures) sets
# free_since, and so does every completion that leaves a courier with no assigned order; a row
# without one (written by hand) has no known free time and comes last.
# active_order_id is NULL on every candidate, so leading with it changes nothing but makes the order
# exactly that of the ix_couriers_free index: PostgreSQL walks the index and stops at the first
# fitting courier instead of sorting every free courier of the district (3 ms -> 0.1 ms at 1500).
LONGEST_FREE = (Courier.active_order_id, Courier.free_since.asc().nulls_last(), Courier.id)

# What an order dispatched without details gets (the API's orders; the page may say more).
ORDER_DEFAULTS: dict[str, Any] = {"weight": 1.0, "cost": 0, "delivery_hours": [], "address": None}

# PostgreSQL: the whole dispatch is this one statement, run on its own (autocommit: it is its own
# transaction). `picked` locks the longest-free courier of the district, skipping rows other
# transactions hold; `new_order` stores the order assigned to it; `taken` marks the courier busy. The
# answer says which part happened: no district, no courier picked, or picked but the order refused
# by the partial unique index (ON CONFLICT DO NOTHING: the courier already holds a live order that the
# statement's snapshot did not show), and then the courier's uuid.
# The courier's own row is re-checked once its lock is ours (READ COMMITTED re-evaluates
# `active_order_id IS NULL` on the latest version), so a courier another dispatch just took is passed
# over; the unique index stays the last line.
_DISPATCH_SQL = """
WITH district AS (SELECT id FROM districts WHERE name = :district),
picked AS (
    SELECT c.id FROM couriers c
    WHERE c.active_order_id IS NULL
      AND EXISTS (SELECT 1 FROM courier_districts cd
                  WHERE cd.courier_id = c.id AND cd.district_id = (SELECT id FROM district))
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.courier_id = c.id AND o.status = 'assigned')
      AND c.id <> ALL(:tried)
    ORDER BY c.active_order_id, c.free_since ASC NULLS LAST, c.id  -- LONGEST_FREE
    LIMIT 1
    FOR UPDATE OF c {skip}
),
new_order AS (
    INSERT INTO orders (uuid, name, district_id, status, courier_id, assigned_at, weight, cost,
                        delivery_hours, address)
    SELECT :uuid, :name, (SELECT id FROM district), 'assigned', picked.id, :now, :weight, :cost,
           :delivery_hours, :address
    FROM picked
    ON CONFLICT DO NOTHING
    RETURNING id, courier_id
),
taken AS (
    UPDATE couriers SET active_order_id = new_order.id, free_since = NULL
    FROM new_order WHERE couriers.id = new_order.courier_id
    RETURNING couriers.uuid
)
SELECT (SELECT id FROM district) AS district_id, (SELECT id FROM picked) AS courier_id,
       (SELECT uuid FROM taken) AS courier_uuid
"""


def _dispatch_statement(skip: str):
    return (
        text(_DISPATCH_SQL.format(skip=skip))
        .bindparams(bindparam("uuid", type_=Uuid), bindparam("tried", type_=ARRAY(BigInteger)),
                    bindparam("delivery_hours", type_=JSON))
        .columns(district_id=Integer, courier_id=BigInteger, courier_uuid=Uuid)
    )


# First pass: skip rows other transactions lock, longest free first (the ix_couriers_free order).
# Second pass, only when the first found nobody: the skipped rows may be locked by something that
# leaves the courier free (a statistics refresh, a completion), so wait for them rather than refuse an
# order while a fitting courier is free. The statement holds no other lock while it waits (it is the
# transaction's only statement, and it locks one row at a time), so it can never wait in a cycle.
_DISPATCH_SKIP_LOCKED = _dispatch_statement("SKIP LOCKED")
_DISPATCH_WAIT = _dispatch_statement("")


def dispatch_order(
    session: Session, name: str, district: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Store the order assigned to the free courier of its district; 409 and nothing stored if none.

    `details` (weight, cost, delivery_hours, address) come from the orders page; the API leaves the
    defaults (dispatch.md: a dispatch order weighs 1, costs 0, has no hours).
    """
    values = {**ORDER_DEFAULTS, **(details or {})}
    engine = autocommit_engine(session)
    if engine is None:
        return _dispatch_sqlite(session, name, district, values)
    tried: list[int] = []
    statements = [_DISPATCH_SKIP_LOCKED, _DISPATCH_WAIT]
    with engine.connect() as connection:
        while statements:  # ends: each pass drops a statement or excludes one more courier
            order_uuid = uuid.uuid4()
            district_id, courier_id, courier_uuid = connection.execute(statements[0], {
                "district": district, "name": name, "uuid": order_uuid, "now": utcnow(), "tried": tried,
                **values,
            }).one()
            if district_id is None:
                break  # nobody serves a district no courier named
            if courier_uuid is not None:
                return {"order_id": order_uuid, "courier_id": courier_uuid}
            if courier_id is None:
                statements.pop(0)
            else:
                log.info("courier %s was taken meanwhile; trying the next one", courier_id)
                tried.append(courier_id)
    raise no_free_courier(district)


def _dispatch_sqlite(session: Session, name: str, district: str, values: dict[str, Any]) -> dict[str, Any]:
    # BEGIN IMMEDIATE (write_transaction) serialises the writers: no rival can take the courier
    # between the pick and the update.
    with write_transaction(session):
        district_id = session.scalar(select(District.id).where(District.name == district))
        if district_id is None:
            raise no_free_courier(district)
        picked = session.execute(_free_courier_query(district_id).order_by(*LONGEST_FREE)).first()
        if picked is None:
            raise no_free_courier(district)
        courier_id, courier_uuid = picked
        order_uuid = uuid.uuid4()
        order_id = session.scalar(
            Order.__table__.insert()
            .values(
                uuid=order_uuid, name=name, district_id=district_id, status="assigned",
                courier_id=courier_id, assigned_at=utcnow(), **values,
            )
            .returning(Order.__table__.c.id)
        )
        session.execute(
            update(Courier).where(Courier.id == courier_id).values(active_order_id=order_id, free_since=None)
        )
    return {"order_id": order_uuid, "courier_id": courier_uuid}


def get_order(session: Session, order_uuid: uuid.UUID) -> dict[str, Any]:
    """An order as the dispatch API shows it: status 1 until completed, then 2."""
    row = session.execute(
        select(Order.uuid, Order.name, Order.id, District.name, Courier.uuid, Order.status)
        .join(District, District.id == Order.district_id)
        .outerjoin(Courier, Courier.id == Order.courier_id)
        .where(Order.uuid == order_uuid)
    ).first()
    if row is None:
        raise ApiError(404, "Order not found")
    uuid_, name, order_id, district, courier_uuid, status = row
    return {
        "order_id": uuid_,
        "name": name if name is not None else f"Order {order_id}",
        "district": district,
        "courier_id": courier_uuid,
        "status": COMPLETED if status == "completed" else IN_PROGRESS,
    }


def complete_order(session: Session, order_uuid: uuid.UUID) -> dict[str, Any]:
    """Complete the order and free its courier; then queue the courier's statistics refresh."""
    with write_transaction(session):
        # The row lock makes a second, concurrent completion wait and then see "completed".
        row = session.execute(
            select(Order.id, Order.status, Order.courier_id)
            .where(Order.uuid == order_uuid)
            .with_for_update()
        ).first()
        if row is None:
            raise ApiError(404, "Order not found")
        order_id, status, courier_id = row
        if status == "completed":
            raise ApiError(409, "Order already completed")
        if courier_id is None:
            raise ApiError(409, "Order is not assigned to a courier")
        now = utcnow()
        session.execute(
            update(Order).where(Order.id == order_id).values(status="completed", completed_at=now)
        )
        session.execute(
            update(Courier)
            .where(Courier.id == courier_id, Courier.active_order_id == order_id)
            .values(active_order_id=None)
        )
        free_if_idle(session, {courier_id: now})
        waiting.assign_to_couriers(session, [courier_id])  # the page's orders waiting for a free courier
        courier_uuid = session.scalar(select(Courier.uuid).where(Courier.id == courier_id))
    _queue_stats_refresh(courier_id)
    return {"order_id": order_uuid, "courier_id": courier_uuid, "status": COMPLETED, "completed_at": now}


def free_if_idle(session: Session, finished: dict[int, datetime]) -> None:
    """Couriers left with no assigned order (live or planned) are free from their last delivery.

    `finished` maps each courier that just completed orders to that time; either API's completion
    calls this inside its transaction, after storing the completions.
    """
    busy = set(session.scalars(
        select(Order.courier_id).where(Order.courier_id.in_(finished), Order.status == "assigned")
    ))
    idle = [{"b_id": cid, "b_when": when} for cid, when in finished.items() if cid not in busy]
    if idle:
        table = Courier.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.active_order_id.is_(None))
            .values(free_since=bindparam("b_when")),
            idle,
        )


def _queue_stats_refresh(courier_id: int) -> None:
    # After the commit, so the task sees the completion. A lost or failed enqueue is harmless: the
    # card computes the figures itself while the stored copy is behind.
    try:
        jobs.queued().refresh_courier_stats_task(courier_id)
    except Exception:  # noqa: BLE001 (the completion is committed; the queue is only an optimisation)
        log.exception("could not queue the statistics refresh of courier %s", courier_id)
