"""Day planning (`POST /orders/assign`) and the day's assignments (`GET /couriers/assignments`).

One call plans every order that is neither assigned nor completed, around the trips its couriers
already have that day, and persists the new trips and assignments in one transaction. Two calls
never hand out one order twice: the transaction starts with the write lock on SQLite, and on
PostgreSQL takes a transaction-level advisory lock (calls queue) and locks the open orders, skipping
any another writer (live dispatch) holds at that moment.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session, lazyload, selectinload

from delivery.domain.intervals import parse_interval
from delivery.domain.planner import CourierIn, OrderIn, PlannedTrip, plan, validate
from delivery.errors import ApiError
from delivery.models import Courier, Order, Trip
from delivery.services.bulk import insert_with_ids
from delivery.services.clock import utcnow
from delivery.services.lavka_orders import order_dto
from delivery.services.tx import write_transaction

log = logging.getLogger(__name__)

# Key of the advisory lock that queues planning calls on PostgreSQL ("lavka" in ASCII).
PLANNING_LOCK_KEY = 0x6C61766B61


def _spans(intervals: Iterable[str]) -> tuple[tuple[int, int], ...]:
    out = []
    for interval in intervals:
        try:
            out.append(parse_interval(interval))
        except ValueError:  # hours stored by another door in another spelling: not plannable
            continue
    return tuple(out)


def assign_orders(session: Session, day: date, *, time_limit: float = 1.0) -> dict[str, Any]:
    """Plan the open orders for `day`, persist trips and assignments; return the new trips' body."""
    with write_transaction(session):
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLANNING_LOCK_KEY})
        open_orders = session.scalars(
            select(Order)
            .options(lazyload(Order.district))
            .where(Order.status == "new")
            .order_by(Order.id)
            .with_for_update(skip_locked=True, of=Order)
        ).all()
        couriers = session.scalars(select(Courier).order_by(Courier.id)).all()
        busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for trip in session.scalars(select(Trip).where(Trip.date == day)):
            busy[trip.courier_id].append((trip.start_minute, trip.end_minute))

        courier_in = [
            CourierIn(c.id, c.type, tuple(c.region_ids), _spans(c.working_hours), tuple(busy[c.id]))
            for c in couriers
        ]
        # An order without a usable window can never be delivered; it is left out, not handed to plan().
        order_in = [
            OrderIn(o.id, o.weight, o.district_id, spans, o.cost)
            for o in open_orders
            if (spans := _spans(o.delivery_hours))
        ]
        trips = plan(courier_in, order_in, time_limit=time_limit) if courier_in and order_in else []
        problems = validate(courier_in, order_in, trips)
        if problems:  # never persist a plan that breaks the rules; this is a bug, not bad input
            raise RuntimeError("planner returned an invalid plan: " + "; ".join(problems[:5]))

        created = _persist(session, day, trips, {o.id: o for o in open_orders})
        body = _body(day, created)
    return body


def _persist(
    session: Session, day: date, trips: list[PlannedTrip], orders: dict[int, Order]
) -> list[tuple[Trip, list[Order]]]:
    """Insert the trips and assign their orders in a few statements, not one per trip and order."""
    now = utcnow()
    # Sorted by courier and start, so group_order_ids increase the way the answer lists them.
    planned = sorted(trips, key=lambda t: (t.courier_id, t.start))
    ids = insert_with_ids(session, Trip.__table__, [
        {"courier_id": t.courier_id, "date": day, "start_minute": t.start, "end_minute": t.orders[-1][1],
         "created_at": now}
        for t in planned
    ])
    rows = [
        (order_id, t.courier_id, trip_id, minute)
        for trip_id, t in zip(ids, planned) for order_id, minute in t.orders
    ]
    _assign(session, rows, now)
    # The answer is built from memory, in delivery order, not read back; the loaded Order objects are
    # left untouched so that the commit does not write them again one by one.
    return [
        (Trip(id=trip_id, courier_id=t.courier_id, date=day, start_minute=t.start, end_minute=t.orders[-1][1]),
         [orders[order_id] for order_id, _ in t.orders])
        for trip_id, t in zip(ids, planned)
    ]


# PostgreSQL: every assignment in one statement, the rows passed as four arrays (psycopg2 sends a
# list as one ARRAY literal, built in C).
_ASSIGN_PG = text(
    "UPDATE orders SET status = 'assigned', courier_id = given.courier_id, trip_id = given.trip_id,"
    " planned_minute = given.minute, assigned_at = :now"
    " FROM unnest(CAST(:order_ids AS bigint[]), CAST(:courier_ids AS bigint[]), CAST(:trip_ids AS bigint[]),"
    " CAST(:minutes AS integer[])) AS given(order_id, courier_id, trip_id, minute)"
    " WHERE orders.id = given.order_id AND orders.status = 'new'"
)


def _assign(session: Session, rows: list[tuple[int, int, int, int]], now: datetime) -> None:
    """Assign (order id, courier id, trip id, planned minute) rows still `new`.

    An executemany sends one UPDATE per order, which PostgreSQL answers in about 3 s for a city's
    10,000 (each a round trip); there, one `UPDATE ... FROM unnest(...)` takes a few hundred ms.
    SQLite runs its executemany in-process, fast.
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        order_ids, courier_ids, trip_ids, minutes = (list(column) for column in zip(*rows))
        session.execute(_ASSIGN_PG, {"now": now, "order_ids": order_ids, "courier_ids": courier_ids,
                                     "trip_ids": trip_ids, "minutes": minutes})
        return
    table = Order.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("o_id"), table.c.status == "new")
        .values(status="assigned", courier_id=bindparam("o_courier"), trip_id=bindparam("o_trip"),
                planned_minute=bindparam("o_minute"), assigned_at=now),
        [{"o_id": o, "o_courier": c, "o_trip": t, "o_minute": m} for o, c, t, m in rows],
        execution_options={"synchronize_session": False},
    )


def _body(day: date, trips: Iterable[tuple[Trip, list[Order]]], only_courier: int | None = None) -> dict[str, Any]:
    """`{date, couriers:[{courier_id, orders:[{group_order_id, orders:[OrderDto]}]}]}`."""
    by_courier: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for trip, trip_orders in sorted(trips, key=lambda pair: (pair[0].courier_id, pair[0].start_minute, pair[0].id)):
        by_courier[trip.courier_id].append(
            {"group_order_id": trip.id, "orders": [order_dto(o) for o in trip_orders]})
    if only_courier is not None and only_courier not in by_courier:
        by_courier[only_courier] = []
    return {
        "date": day.isoformat(),
        "couriers": [{"courier_id": cid, "orders": by_courier[cid]} for cid in sorted(by_courier)],
    }


def assignments(session: Session, day: date, courier_id: int | None = None) -> dict[str, Any]:
    """Return the trips planned for `day` (completed orders included), optionally of one courier."""
    query = select(Trip).options(selectinload(Trip.orders)).where(Trip.date == day)
    if courier_id is not None:
        if session.get(Courier, courier_id) is None:
            raise ApiError(400, f"no courier {courier_id}")
        query = query.where(Trip.courier_id == courier_id)
    return _body(day, [(trip, trip.orders) for trip in session.scalars(query).all()], courier_id)
