"""Day planning, the other way of assigning orders (live dispatch is the first): `POST /orders/assign`,
the plan page's background run of it, and the day's assignments (`GET /couriers/assignments`).

One call plans every order that is neither assigned nor completed, around the trips its couriers
already have that day, and persists the new trips and assignments in one transaction. Two calls
never hand out one order twice: the transaction starts with the write lock on SQLite, and on
PostgreSQL takes a transaction-level advisory lock (calls queue) and locks the open orders, skipping
any another writer (live dispatch) holds at that moment.
"""
from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session, selectinload

from delivery.domain.errors import Invalid
from delivery.domain.intervals import valid_spans
from delivery.domain.order_status import OrderStatus
from delivery.domain.planner import CourierIn, OrderIn, PlannedTrip, plan, validate
from delivery.models import Courier, Order, TaskRun, Trip
from delivery.services import jobs
from delivery.services.read_models import tasks
from delivery.services.bulk import insert_with_ids
from delivery.services.clock import utcnow
from delivery.services.couriers import WITH_REGIONS, courier_dtos
from delivery.services.tx import is_sqlite, write_transaction

log = logging.getLogger(__name__)

# Key of the advisory lock that queues planning calls on PostgreSQL ("lavka" in ASCII).
PLANNING_LOCK_KEY = 0x6C61766B61

NEW = OrderStatus.NEW.value
ASSIGNED = OrderStatus.ASSIGNED.value


_O = Order.__table__.c
_T = Trip.__table__.c
# The open orders as plain rows with what planning and the answer's orders show, locked; rows
# another writer (live dispatch) holds at that moment are skipped.
_OPEN_ORDERS = (
    select(_O.id, _O.weight, _O.district_id, _O.delivery_hours, _O.cost, _O.completed_at,
           _O.completed_time_digits)
    .where(_O.status == NEW).order_by(_O.id).with_for_update(skip_locked=True)
)
_BUSY = select(_T.courier_id, _T.start_minute, _T.end_minute).where(_T.date == bindparam("day"))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a city day is planned.

    The planner allocates millions of small objects that reference counting frees; the collector's
    full passes over that heap cost 0.3-1 s of a 10,000-order request here and free nothing it
    needs. Cycles made meanwhile are collected once it runs again. Process-wide, so it is turned back
    on only by the call that turned it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def assign_orders(session: Session, day: date, *, time_limit: float) -> DayPlan:
    """Plan the open orders for `day`, persist trips and assignments; return the new trips."""
    with _cyclic_gc_paused(), write_transaction(session):
        if not is_sqlite(session):
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLANNING_LOCK_KEY})
        open_orders = session.execute(_OPEN_ORDERS).all()
        couriers = list(courier_dtos(session.execute(WITH_REGIONS)))
        busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for courier_id, start, end in session.execute(_BUSY, {"day": day}):
            busy[courier_id].append((start, end))

        courier_in = [
            CourierIn(c["courier_id"], c["courier_type"], tuple(c["regions"]), valid_spans(c["working_hours"]),
                      tuple(busy[c["courier_id"]]))
            for c in couriers
        ]
        # An order without a usable window can never be delivered; it is left out, not handed to plan().
        order_in = [
            OrderIn(o.id, o.weight, o.district_id, spans, o.cost)
            for o in open_orders
            if (spans := valid_spans(o.delivery_hours))
        ]
        trips = plan(courier_in, order_in, time_limit=time_limit) if courier_in and order_in else []
        problems = validate(courier_in, order_in, trips)
        if problems:  # never persist a plan that breaks the rules; this is a bug, not bad input
            raise RuntimeError("planner returned an invalid plan: " + "; ".join(problems[:5]))

        created = _persist(session, day, trips, {o.id: o for o in open_orders})
    return _day_plan(day, created)


def _persist(
    session: Session, day: date, trips: list[PlannedTrip], orders: dict[int, Any]
) -> list[tuple[int, int, int, list[Any]]]:
    """Insert the trips and assign their orders in a few statements, not one per trip and order; return
    each trip's (id, courier id, start minute, orders)."""
    now = utcnow()
    # Sorted by courier and start, so group_order_ids increase the way the answer lists them.
    planned = sorted(trips, key=lambda t: (t.courier_id, t.start))
    if not is_sqlite(session):
        ids = _persist_pg(session, day, planned, now)
    else:
        ids = insert_with_ids(session, Trip.__table__, [
            {"courier_id": t.courier_id, "date": day, "start_minute": t.start,
             "end_minute": t.orders[-1][1], "created_at": now}
            for t in planned
        ])
        _assign_sqlite(session, [
            (order_id, t.courier_id, trip_id, minute)
            for trip_id, t in zip(ids, planned) for order_id, minute in t.orders
        ], now)
    # The answer is built from memory, in delivery order, not read back.
    return [
        (trip_id, t.courier_id, t.start, [orders[order_id] for order_id, _ in t.orders])
        for trip_id, t in zip(ids, planned)
    ]


# PostgreSQL: the trips and every assignment in one statement, the rows passed as arrays (psycopg2
# sends a list as one ARRAY literal, built in C). Trips go in in the given order, so their ids grow
# in it; an order finds its trip by (courier, start minute), which no two trips of a plan share.
_PERSIST_PG = text(f"""
WITH new_trips AS (
    INSERT INTO trips (courier_id, date, start_minute, end_minute, created_at)
    SELECT t.courier_id, :day, t.start_minute, t.end_minute, :now
    FROM unnest(CAST(:t_couriers AS bigint[]), CAST(:t_starts AS integer[]), CAST(:t_ends AS integer[]))
         WITH ORDINALITY AS t(courier_id, start_minute, end_minute, n)
    ORDER BY t.n
    RETURNING id, courier_id, start_minute
),
assigned AS (
    UPDATE orders SET status = '{ASSIGNED}', courier_id = given.courier_id, trip_id = new_trips.id,
                      planned_minute = given.minute, assigned_at = :now
    FROM unnest(CAST(:order_ids AS bigint[]), CAST(:courier_ids AS bigint[]), CAST(:starts AS integer[]),
                CAST(:minutes AS integer[])) AS given(order_id, courier_id, start_minute, minute)
    JOIN new_trips ON new_trips.courier_id = given.courier_id AND new_trips.start_minute = given.start_minute
    WHERE orders.id = given.order_id AND orders.status = '{NEW}'
)
SELECT id, courier_id, start_minute FROM new_trips
""")


def _persist_pg(session: Session, day: date, planned: list[PlannedTrip], now: datetime) -> list[int]:
    """Insert the trips (ids in the given order) and assign their orders still `new`."""
    if not planned:
        return []
    rows = [(order_id, t.courier_id, t.start, minute) for t in planned for order_id, minute in t.orders]
    order_ids, courier_ids, starts, minutes = (list(column) for column in zip(*rows))
    ids = {(courier_id, start): trip_id for trip_id, courier_id, start in session.execute(_PERSIST_PG, {
        "day": day, "now": now,
        "t_couriers": [t.courier_id for t in planned], "t_starts": [t.start for t in planned],
        "t_ends": [t.orders[-1][1] for t in planned],
        "order_ids": order_ids, "courier_ids": courier_ids, "starts": starts, "minutes": minutes,
    })}
    return [ids[(t.courier_id, t.start)] for t in planned]


def _assign_sqlite(session: Session, rows: list[tuple[int, int, int, int]], now: datetime) -> None:
    """Assign (order id, courier id, trip id, planned minute) rows still `new`: SQLite runs the
    executemany in-process, fast."""
    if not rows:
        return
    table = Order.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("o_id"), table.c.status == NEW)
        .values(status=ASSIGNED, courier_id=bindparam("o_courier"), trip_id=bindparam("o_trip"),
                planned_minute=bindparam("o_minute"), assigned_at=now),
        [{"o_id": o, "o_courier": c, "o_trip": t, "o_minute": m} for o, c, t, m in rows],
        execution_options={"synchronize_session": False},
    )


@dataclass(frozen=True)
class TripOrders:
    """One trip (its id is the contract's group_order_id) with its orders in delivery order, each an
    Order or a row of its columns."""

    trip_id: int
    orders: list[Any]


@dataclass(frozen=True)
class CourierTrips:
    courier_id: int
    trips: list[TripOrders]


@dataclass(frozen=True)
class DayPlan:
    """A day's trips by courier (couriers by id, each one's trips in time order): the Lavka API's
    OrderAssignResponse schema dumps it."""

    date: date
    couriers: list[CourierTrips]


def _day_plan(
    day: date, trips: Iterable[tuple[int, int, int, list[Any]]], only_courier: int | None = None
) -> DayPlan:
    """The DayPlan of (trip id, courier id, start minute, orders) trips; `only_courier` is listed even
    with no trip."""
    by_courier: dict[int, list[TripOrders]] = defaultdict(list)
    for trip_id, courier_id, _start, trip_orders in sorted(trips, key=lambda trip: trip[1:3] + (trip[0],)):
        by_courier[courier_id].append(TripOrders(trip_id, list(trip_orders)))
    if only_courier is not None and only_courier not in by_courier:
        by_courier[only_courier] = []
    return DayPlan(day, [CourierTrips(cid, by_courier[cid]) for cid in sorted(by_courier)])


def assignments(session: Session, day: date, courier_id: int | None = None) -> DayPlan:
    """Return the trips planned for `day` (completed orders included), optionally of one courier."""
    query = select(Trip).options(selectinload(Trip.orders)).where(Trip.date == day)
    if courier_id is not None:
        if session.get(Courier, courier_id) is None:
            raise Invalid(f"no courier {courier_id}")
        query = query.where(Trip.courier_id == courier_id)
    trips = session.scalars(query).all()
    return _day_plan(day, [(t.id, t.courier_id, t.start_minute, t.orders) for t in trips], courier_id)


def start_run(session: Session, day: date) -> str:
    """Queue the planning of `day` (the plan page's background run); return the Huey task id to follow."""
    # End this request's read transaction first: the run's record is written on the monitor's own
    # connection, and an older SQLite snapshot would not show it to the status read that follows.
    session.commit()
    with jobs.queueing():
        result = jobs.queued().plan_day(day.isoformat())
    return result.id if result is not None else ""


def run_status(session: Session, task_id: str) -> TaskRun:
    """The planning run's record (status, duration, error), as the task runs record it."""
    return tasks.get_run(session, task_id)
