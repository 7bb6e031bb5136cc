"""The one home of the free/busy rule: who may take an order now, and who the pages show as busy.

Two definitions, on purpose:
- **Free for dispatch** (dispatch.md): no live order on the courier's row (`active_order_id`) and no
  assigned order at all, planned trips included. Live dispatch, the waiting queue and completion
  (`free_since`) use it: a courier with a trip planned for tonight is not free this morning, so live
  dispatch never gives him an order that would collide with the plan.
- **Busy now** (the pages): carrying a live order, or inside a planned trip at this minute; a trip
  planned later is the courier's next trip, not a busy state. The couriers page's free/busy filter,
  the courier rows and the home page's counts use it.

So a courier with only a later trip is "free" on the pages yet not free for dispatch; the pages show
his next trip to tell the two apart. Trips are planned in the server's wall-clock minutes (the plan
page's axis), so `local_now` is the server's local time.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, CourierDistrict, Order, Trip

ASSIGNED = OrderStatus.ASSIGNED.value


# --- Free for dispatch --------------------------------------------------------------------------------

def free_for_dispatch():
    """The condition, on `Courier`, of being free for dispatch: no live order, no assigned order at all."""
    holds_assigned = exists().where(Order.courier_id == Courier.id, Order.status == ASSIGNED)
    return and_(Courier.active_order_id.is_(None), ~holds_assigned)


def serves(district_id: int):
    """The condition, on `Courier`, of serving the district (live dispatch, the waiting queue, the filters)."""
    return exists().where(CourierDistrict.courier_id == Courier.id, CourierDistrict.district_id == district_id)


# The same rule as raw SQL on `couriers c`, for live dispatch's one-statement PostgreSQL CTE
# (`dispatch._DISPATCH_SQL`). That statement is hand-written and benchmarked (its ORDER BY walks the
# ix_couriers_free index, it locks `FOR UPDATE OF c` with and without SKIP LOCKED), so it is kept as
# text rather than generated; tests/services/test_availability.py proves this fragment and
# `free_for_dispatch()` pick the same couriers on both databases.
FREE_FOR_DISPATCH_SQL = f"""c.active_order_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.courier_id = c.id AND o.status = '{ASSIGNED}')"""


# --- Busy now (the pages) -----------------------------------------------------------------------------

def local_now() -> datetime:
    """The wall-clock time trips are planned in."""
    return datetime.now()


def _minute(now: datetime) -> int:
    return now.hour * 60 + now.minute


def _trip_has_orders():
    return exists().where(Order.trip_id == Trip.id, Order.status == ASSIGNED)


def busy_now(now: datetime):
    """The condition, on `Courier`, of carrying a live order or being inside a planned trip at `now`."""
    live = exists().where(Order.courier_id == Courier.id, Order.status == ASSIGNED, Order.trip_id.is_(None))
    in_trip = exists().where(
        Trip.courier_id == Courier.id, Trip.date == now.date(),
        Trip.start_minute <= _minute(now), Trip.end_minute > _minute(now), _trip_has_orders(),
    )
    return or_(live, in_trip)


def busy_ids(session: Session, courier_ids: list[int], now: datetime) -> set[int]:
    """Which of these couriers are busy now."""
    if not courier_ids:
        return set()
    return set(session.scalars(select(Courier.id).where(Courier.id.in_(courier_ids), busy_now(now))))


def next_trips(session: Session, courier_ids: list[int], now: datetime) -> dict[int, tuple[date, int]]:
    """Each courier's next trip that has not started yet: {courier id: (date, start minute)}."""
    if not courier_ids:
        return {}
    later = or_(Trip.date > now.date(), and_(Trip.date == now.date(), Trip.start_minute > _minute(now)))
    first = (
        select(Trip.courier_id, Trip.date, Trip.start_minute,
               func.row_number().over(partition_by=Trip.courier_id, order_by=(Trip.date, Trip.start_minute)).label("n"))
        .where(Trip.courier_id.in_(courier_ids), later, _trip_has_orders())
        .subquery()
    )
    rows = session.execute(select(first.c.courier_id, first.c.date, first.c.start_minute).where(first.c.n == 1))
    return {courier_id: (day, minute) for courier_id, day, minute in rows}


def current_order(session: Session, courier_id: int, now: datetime) -> Order | None:
    """The order the courier is on now: the live one, else the first open one of the trip under way."""
    return session.scalar(
        select(Order)
        .outerjoin(Trip, Order.trip_id == Trip.id)
        .where(
            Order.courier_id == courier_id, Order.status == ASSIGNED,
            or_(Order.trip_id.is_(None), and_(Trip.date == now.date(), Trip.start_minute <= _minute(now),
                                              Trip.end_minute > _minute(now))),
        )
        .order_by(Order.trip_id.is_not(None), Order.planned_minute, Order.id)
        .limit(1)
    )
