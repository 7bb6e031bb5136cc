"""Orders: creating and reading them, the one completion path, cancelling, and the waiting queue.

Live dispatch (`services/dispatch.py`) and day planning (`services/planning.py`) are the two ways of
assigning these orders; whatever assigns, an order is completed here, whoever asks: the dispatch API
(by uuid), the Lavka API (a batch, by ids), the orders page (by id). Completion runs in one write
transaction (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL), so two concurrent completions of one
order cannot both change it.

Waiting orders: a dispatch from the page that found no free courier is kept, and goes to the next
courier of its district who becomes free, oldest order first. The live dispatch API never waits (its
409 stores nothing, dispatch.md). Whatever frees or adds a courier calls `assign_to_couriers` inside
its own write transaction: every completion, a new courier (either door, the pages, an import) and a
courier's districts edited. On PostgreSQL the courier row is locked (`FOR UPDATE`; a completion
already holds it) and the waiting order with `FOR UPDATE SKIP LOCKED`, so two transactions never hand
one order to two couriers, and the partial unique index on live orders still guarantees one live
order per courier. On SQLite `write_transaction` serialises the writers (`BEGIN IMMEDIATE`).
"""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select, text, update
from sqlalchemy.orm import Session, joinedload, lazyload

from delivery.domain.errors import Conflict, Invalid, NotFound
from delivery.domain.order_status import OrderStatus, check_move
from delivery.models import Courier, CourierDistrict, Order
from delivery.services import bulk, districts, jobs
from delivery.services.availability import free_for_dispatch, serves
from delivery.services.clock import utcnow
from delivery.services.lookup import get_one
from delivery.services.tx import autocommit_engine, is_sqlite, read_rows, write_transaction

log = logging.getLogger(__name__)

NEW = OrderStatus.NEW.value
WAITING = OrderStatus.WAITING.value
ASSIGNED = OrderStatus.ASSIGNED.value
COMPLETED = OrderStatus.COMPLETED.value
CANCELLED = OrderStatus.CANCELLED.value


@dataclass(slots=True)
class OrderValues:
    """An order as plain data, read inside the transaction that wrote it: the APIs' schemas dump it
    without touching the database again (after the commit an ORM row would reload, one query each)."""

    id: int
    weight: float
    district_id: int
    delivery_hours: list[str]
    cost: int
    completed_at: datetime | None = None
    completed_time_digits: int | None = None
    uuid: uuid.UUID | None = None
    courier_uuid: uuid.UUID | None = None
    status: str = NEW


# --- Creating and reading -----------------------------------------------------------------------------

# PostgreSQL: a whole batch in one statement, its own transaction. The regions no district has yet
# become districts named by their number ("Region <n>" when a dispatch district already has that
# name, as `districts.ensure_ids`), then the orders go in, the rows passed as arrays (psycopg2
# builds each in C); the new ids come back with the uuids they were given, so request order holds.
_CREATE_PG = text(f"""
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
SELECT given.uuid, given.weight, given.district_id, CAST(given.hours AS json), given.cost, '{NEW}'
FROM unnest(CAST(:uuids AS uuid[]), CAST(:weights AS double precision[]), CAST(:regions AS integer[]),
            CAST(:hours AS text[]), CAST(:costs AS integer[]))
     WITH ORDINALITY AS given(uuid, weight, district_id, hours, cost, n)
ORDER BY given.n
RETURNING uuid, id
""")


def create_orders(session: Session, orders: Sequence[dict[str, Any]]) -> list[OrderValues]:
    """Store a validated batch (weight, regions, delivery_hours, cost) atomically; the new orders in
    request order."""
    engine = autocommit_engine(session)
    if engine is None:
        return _create_orders_sqlite(session, orders)
    uuids = [uuid.uuid4() for _ in orders]
    with engine.connect() as connection:
        ids = {key: order_id for key, order_id in connection.execute(_CREATE_PG, {
            "uuids": [str(key) for key in uuids], "weights": [float(o["weight"]) for o in orders],
            "regions": [o["regions"] for o in orders], "costs": [o["cost"] for o in orders],
            "hours": [json.dumps(list(o["delivery_hours"])) for o in orders],
        })}
    return [
        OrderValues(id=ids[key], weight=float(o["weight"]), district_id=o["regions"],
                    delivery_hours=list(o["delivery_hours"]), cost=o["cost"], uuid=key)
        for key, o in zip(uuids, orders)
    ]


def _create_orders_sqlite(session: Session, orders: Sequence[dict[str, Any]]) -> list[OrderValues]:
    with write_transaction(session):
        districts.ensure_ids(session, (o["regions"] for o in orders))
        rows = [
            {"uuid": uuid.uuid4(), "weight": float(o["weight"]), "district_id": o["regions"],
             "delivery_hours": list(o["delivery_hours"]), "cost": o["cost"], "status": NEW}
            for o in orders
        ]
        ids = bulk.insert_with_ids(session, Order.__table__, rows)
    return [
        OrderValues(id=order_id, weight=row["weight"], district_id=row["district_id"],
                    delivery_hours=row["delivery_hours"], cost=row["cost"], uuid=row["uuid"])
        for order_id, row in zip(ids, rows)
    ]


_O = Order.__table__.c
# What the Lavka contract shows of an order, as plain columns (its OrderDto schema reads a row of them
# as it reads an Order).
_LAVKA_COLUMNS = select(_O.id, _O.weight, _O.district_id, _O.delivery_hours, _O.cost, _O.completed_at,
                        _O.completed_time_digits)
_ONE = _LAVKA_COLUMNS.where(_O.id == bindparam("order_id"))
# The offset is walked in the primary key's index alone (an index-only scan), then the page is read
# from the first id on: rows skipped are never fetched.
_FIRST_ID = select(_O.id).order_by(_O.id).offset(bindparam("offset")).limit(1).scalar_subquery()
_PAGE = _LAVKA_COLUMNS.where(_O.id >= _FIRST_ID).order_by(_O.id).limit(bindparam("limit"))


def read_order(session: Session, order_id: int) -> Any:
    """One order's columns as the Lavka API shows them; NotFound when unknown."""
    rows = read_rows(session, _ONE, {"order_id": order_id})
    if not rows:
        raise NotFound(f"no order {order_id}")
    return rows[0]


def read_orders(session: Session, offset: int, limit: int) -> list[Any]:
    """A page of orders by id, their columns as the Lavka API shows them."""
    return read_rows(session, _PAGE, {"offset": offset, "limit": limit})


def get_order(session: Session, order_id: int) -> Order:
    """One order by id (the pages); NotFound when unknown."""
    return get_one(session, Order, order_id, f"No order {order_id}")


def find_order(session: Session, order_uuid: uuid.UUID) -> Order:
    """One order by uuid with its district and courier (the dispatch API); NotFound when unknown."""
    order = session.scalar(select(Order).options(joinedload(Order.courier)).where(Order.uuid == order_uuid))
    if order is None:
        raise NotFound("Order not found")
    return order


# --- Completing: the one path -------------------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    """One completion asked for.

    `order` is the order's id (Lavka, the page) or uuid (the dispatch API); `courier_id` who delivered
    it (Lavka names the courier; None: the order's own courier); `when` the delivery time (None: now)
    with `digits`, the fraction digits the Lavka client wrote it with.
    """

    order: int | uuid.UUID
    courier_id: int | None = None
    when: datetime | None = None
    digits: int | None = None


def complete(
    session: Session, wanted: Sequence[Completion], *, lavka: bool = False, strict: bool = True
) -> list[OrderValues]:
    """Complete every order asked for, all or nothing; the orders in the order asked.

    Each completion moves the order to `completed` (the state machine's check), stamps its time, takes
    a live order off its courier, and then every courier left with no assigned order is free again from
    its last delivery (`_free_if_idle`) and gets the oldest order waiting in its districts. After the
    commit, each courier's statistics refresh is queued.

    What is refused depends on the contract asking. The dispatch API and the page (`lavka=False`):
    NotFound for an unknown order, Conflict for one already completed or without a courier. The Lavka
    API (`lavka=True`): Invalid for an unknown order or courier, an order of another courier, or (strict)
    one never assigned; not strict, such an order is bound to the completing courier; the same courier
    completing again is a no-op (the first time stays).
    """
    if not wanted:
        return []
    key = Order.uuid if isinstance(wanted[0].order, uuid.UUID) else Order.id
    with write_transaction(session):
        # Lock the orders (PostgreSQL) in id order, so concurrent requests cannot deadlock; a second,
        # concurrent completion of an order waits and then sees it completed.
        orders = {
            getattr(o, key.key): o
            for o in session.scalars(
                select(Order)
                .options(lazyload(Order.district))
                .where(key.in_(sorted({item.order for item in wanted})))
                .order_by(Order.id)
                .with_for_update(of=Order)
            )
        }
        courier_ids = {item.courier_id for item in wanted if item.courier_id is not None}
        courier_ids.update(o.courier_id for o in orders.values() if o.courier_id is not None)
        couriers = {c.id: c for c in session.scalars(select(Courier).where(Courier.id.in_(sorted(courier_ids))))}
        now = utcnow()
        done: list[Order] = []
        finished: dict[int, datetime] = {}  # courier id -> its latest completion in this call
        for item in wanted:
            order = orders.get(item.order)
            if lavka:
                courier = couriers.get(item.courier_id)
                if order is None or courier is None:
                    raise Invalid("unknown order or courier")
                fresh = _lavka_allows(order, courier, strict=strict)
            else:
                if order is None:
                    raise NotFound("Order not found")
                fresh = _dispatch_allows(order)
                courier = couriers[order.courier_id]
            if fresh:
                when = item.when or now
                _store(order, courier, when, item.digits)
                finished[courier.id] = max(when, finished.get(courier.id, when))
            done.append(order)
        session.flush()
        if finished:
            # Free again in live dispatch's queue from the last delivery; a reported time is the
            # client's, and one in the future counts as now, so a wrong clock cannot send the courier
            # to the back of the queue.
            _free_if_idle(session, {cid: min(when, now) for cid, when in finished.items()})
            assign_to_couriers(session, finished)  # the page's orders waiting for a free courier
        result = [_values(order, couriers) for order in done]
    for courier_id in finished:
        _queue_stats_refresh(courier_id)
    return result


def _dispatch_allows(order: Order) -> bool:
    """The dispatch API's (and the page's) rule: only an order with a courier, once (dispatch.md)."""
    if order.status == COMPLETED:
        raise Conflict("Order already completed")
    if order.courier_id is None:
        raise Conflict("Order is not assigned to a courier")
    return True


def _lavka_allows(order: Order, courier: Courier, *, strict: bool) -> bool:
    """The Lavka rule; False when this courier already completed the order (idempotent)."""
    if order.status == COMPLETED:
        if order.courier_id != courier.id:
            raise Invalid(f"order {order.id} was completed by another courier")
        return False
    if order.status == NEW:
        if strict:
            raise Invalid(f"order {order.id} was never assigned")
        order.courier_id = courier.id
    elif order.courier_id != courier.id:
        raise Invalid(f"order {order.id} is assigned to another courier")
    return True


def _store(order: Order, courier: Courier, when: datetime, digits: int | None) -> None:
    check_move(order.status, COMPLETED)
    order.status = COMPLETED
    order.completed_at = when
    order.completed_time_digits = digits
    if courier.active_order_id == order.id:
        courier.active_order_id = None  # a live-dispatched order: `_free_if_idle` sets free_since


def _values(order: Order, couriers: dict[int, Courier]) -> OrderValues:
    courier = couriers.get(order.courier_id) if order.courier_id is not None else None
    return OrderValues(
        id=order.id, weight=order.weight, district_id=order.district_id,
        delivery_hours=list(order.delivery_hours), cost=order.cost, completed_at=order.completed_at,
        completed_time_digits=order.completed_time_digits, uuid=order.uuid,
        courier_uuid=courier.uuid if courier is not None else None, status=order.status,
    )


def complete_order(session: Session, order_id: int) -> Order:
    """The orders page's completion of one order, by the dispatch API's rules (409 when already done)."""
    order = get_order(session, order_id)
    complete(session, [Completion(order.uuid)])
    session.refresh(order)
    return order


def _free_if_idle(session: Session, finished: dict[int, datetime]) -> None:
    """Couriers left free for dispatch (no assigned order, live or planned) are free from their last
    delivery: `finished` maps each courier that just completed orders to that time."""
    table = Courier.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("b_id"), free_for_dispatch()).values(free_since=bindparam("b_when")),
        [{"b_id": cid, "b_when": when} for cid, when in finished.items()],
    )


def _queue_stats_refresh(courier_id: int) -> None:
    # After the commit, so the task sees the completion. A lost or failed enqueue is harmless: the
    # card computes the figures itself while the stored copy is behind.
    try:
        jobs.queued().refresh_courier_stats_task(courier_id)
    except Exception:  # noqa: BLE001 (the completion is committed; the queue is only an optimisation)
        log.exception("could not queue the statistics refresh of courier %s", courier_id)


# --- Cancelling and the waiting queue -----------------------------------------------------------------

def keep_waiting(session: Session, *, name: str, district_id: int, details: dict[str, Any]) -> Order:
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
        free = session.scalars(_free_couriers(serves(district_id)).order_by(Courier.free_since, Courier.id))
        assign_to_couriers(session, list(free))
    return session.get(Order, order_id)


def cancel(session: Session, order_id: int) -> Order:
    """Withdraw a waiting order; Conflict when it is no longer waiting (assigned meanwhile, say)."""
    with write_transaction(session):
        status = session.scalar(select(Order.status).where(Order.id == order_id).with_for_update())
        if status is None:
            raise NotFound(f"No order {order_id}")
        check_move(status, CANCELLED, "Only a waiting order can be cancelled")
        session.execute(update(Order).where(Order.id == order_id).values(status=CANCELLED))
    return session.get(Order, order_id)


def _free_couriers(*conditions):
    """Couriers free for dispatch (availability's rule) meeting the conditions."""
    return select(Courier.id).where(free_for_dispatch(), *conditions)


def _waiting_for(courier_id: int):
    """The oldest waiting order of the courier's districts (ids only grow: the oldest is the lowest)."""
    served = select(CourierDistrict.district_id).where(CourierDistrict.courier_id == courier_id)
    return (
        select(Order.id)
        .where(Order.status == WAITING, Order.district_id.in_(served))
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
