"""Live dispatch, one of the two ways of assigning orders (day planning is the other): an order goes at
once to the longest-free courier of its district, free as `services/availability.py` defines it.
Completing it is `services/orders.py`'s one completion path.

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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, JSON, BigInteger, Integer, Uuid, bindparam, select, text, update
from sqlalchemy.orm import Session

from delivery.domain.errors import Conflict
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, District, Order
from delivery.services import orders
from delivery.services.availability import FREE_FOR_DISPATCH_SQL, free_for_dispatch, serves
from delivery.services.clock import utcnow
from delivery.services.tx import autocommit_engine, write_transaction

log = logging.getLogger(__name__)

ASSIGNED = OrderStatus.ASSIGNED.value


def no_free_courier(district: str) -> Conflict:
    return Conflict(f"No free courier in district {district}")


def _free_courier_query(district_id: int):
    """Couriers of the district free for dispatch (availability's rule; the caller orders them), at most one."""
    return select(Courier.id, Courier.uuid).where(free_for_dispatch(), serves(district_id)).limit(1)


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
# statement's snapshot did not show), and then the courier's uuid. Its free condition is availability's
# FREE_FOR_DISPATCH_SQL, the text twin of `free_for_dispatch()` (a test holds the two to the same couriers).
# The courier's own row is re-checked once its lock is ours (READ COMMITTED re-evaluates
# `active_order_id IS NULL` on the latest version), so a courier another dispatch just took is passed
# over; the unique index stays the last line.
_DISPATCH_SQL = f"""
WITH district AS (SELECT id FROM districts WHERE name = :district),
picked AS (
    SELECT c.id FROM couriers c
    WHERE {FREE_FOR_DISPATCH_SQL}
      AND EXISTS (SELECT 1 FROM courier_districts cd
                  WHERE cd.courier_id = c.id AND cd.district_id = (SELECT id FROM district))
      AND c.id <> ALL(:tried)
    ORDER BY c.active_order_id, c.free_since ASC NULLS LAST, c.id  -- LONGEST_FREE
    LIMIT 1
    FOR UPDATE OF c {{skip}}
),
new_order AS (
    INSERT INTO orders (uuid, name, district_id, status, courier_id, assigned_at, weight, cost,
                        delivery_hours, address)
    SELECT :uuid, :name, (SELECT id FROM district), '{ASSIGNED}', picked.id, :now, :weight, :cost,
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
       (SELECT uuid FROM taken) AS courier_uuid, (SELECT id FROM new_order) AS order_id
"""


def _dispatch_statement(skip: str):
    return (
        text(_DISPATCH_SQL.format(skip=skip))
        .bindparams(bindparam("uuid", type_=Uuid), bindparam("tried", type_=ARRAY(BigInteger)),
                    bindparam("delivery_hours", type_=JSON))
        .columns(district_id=Integer, courier_id=BigInteger, courier_uuid=Uuid, order_id=BigInteger)
    )


# First pass: skip rows other transactions lock, longest free first (the ix_couriers_free order).
# Second pass, only when the first found nobody: the skipped rows may be locked by something that
# leaves the courier free (a statistics refresh, a completion), so wait for them rather than refuse an
# order while a fitting courier is free. The statement holds no other lock while it waits (it is the
# transaction's only statement, and it locks one row at a time), so it can never wait in a cycle.
_DISPATCH_SKIP_LOCKED = _dispatch_statement("SKIP LOCKED")
_DISPATCH_WAIT = _dispatch_statement("")


@dataclass(frozen=True)
class Dispatched:
    """What one dispatch did: the district's id (None: no courier names it) and, when a courier took the
    order, the new order's and the courier's ids and uuids (None otherwise: nothing was stored)."""

    district_id: int | None
    order_id: int | None = None
    order_uuid: uuid.UUID | None = None
    courier_id: int | None = None
    courier_uuid: uuid.UUID | None = None

    @property
    def taken(self) -> bool:
        return self.courier_uuid is not None


def dispatch_order(session: Session, name: str, district: str) -> dict[str, Any]:
    """Store the order assigned to the free courier of its district; Conflict and nothing stored if none.

    The API's dispatch (dispatch.md: a dispatch order weighs 1, costs 0, has no hours). The answer is the
    API's body as it is, uuids of the order and the courier: this is the hot path measured in bench/ (no
    ORM object is loaded back for a schema to dump).
    """
    done = _dispatch(session, name, district, ORDER_DEFAULTS)
    if not done.taken:
        raise no_free_courier(district)
    return {"order_id": done.order_uuid, "courier_id": done.courier_uuid}


def _dispatch(session: Session, name: str, district: str, values: dict[str, Any]) -> Dispatched:
    """Store the order assigned to the free courier of its district, if there is one (see Dispatched)."""
    engine = autocommit_engine(session)
    if engine is None:
        return _dispatch_sqlite(session, name, district, values)
    tried: list[int] = []
    statements = [_DISPATCH_SKIP_LOCKED, _DISPATCH_WAIT]
    district_id = None
    with engine.connect() as connection:
        while statements:  # ends: each pass drops a statement or excludes one more courier
            order_uuid = uuid.uuid4()
            district_id, courier_id, courier_uuid, order_id = connection.execute(statements[0], {
                "district": district, "name": name, "uuid": order_uuid, "now": utcnow(), "tried": tried,
                **values,
            }).one()
            if district_id is None:
                break  # nobody serves a district no courier named
            if courier_uuid is not None:
                return Dispatched(district_id, order_id, order_uuid, courier_id, courier_uuid)
            if courier_id is None:
                statements.pop(0)
            else:
                log.info("courier %s was taken meanwhile; trying the next one", courier_id)
                tried.append(courier_id)
    return Dispatched(district_id)


def _dispatch_sqlite(session: Session, name: str, district: str, values: dict[str, Any]) -> Dispatched:
    # BEGIN IMMEDIATE (write_transaction) serialises the writers: no rival can take the courier
    # between the pick and the update.
    with write_transaction(session):
        district_id = session.scalar(select(District.id).where(District.name == district))
        if district_id is None:
            return Dispatched(None)
        picked = session.execute(_free_courier_query(district_id).order_by(*LONGEST_FREE)).first()
        if picked is None:
            return Dispatched(district_id)
        courier_id, courier_uuid = picked
        order_uuid = uuid.uuid4()
        order_id = session.scalar(
            Order.__table__.insert()
            .values(
                uuid=order_uuid, name=name, district_id=district_id, status=ASSIGNED,
                courier_id=courier_id, assigned_at=utcnow(), **values,
            )
            .returning(Order.__table__.c.id)
        )
        session.execute(
            update(Courier).where(Courier.id == courier_id).values(active_order_id=order_id, free_since=None)
        )
    return Dispatched(district_id, order_id, order_uuid, courier_id, courier_uuid)


@dataclass
class DispatchOutcome:
    """What became of an order dispatched from the page: its courier, or why none could take it."""

    ok: bool
    message: str
    order: Order | None = None
    courier: Courier | None = None
    waiting: bool = False  # kept for the next free courier of its district


def dispatch_or_wait(
    session: Session, name: str, district: str, details: dict | None = None, keep_waiting: bool = False
) -> DispatchOutcome:
    """The orders page's dispatch: hand a new order to a free courier of its district, say who got it
    or why nobody did.

    With `keep_waiting`, an order no courier can take now is kept as waiting (`orders.keep_waiting`)
    instead of dropped; it may even be taken at once by a courier freed meanwhile.
    """
    done = _dispatch(session, name, district, {**ORDER_DEFAULTS, **(details or {})})
    if not done.taken:
        if not keep_waiting or done.district_id is None:
            return DispatchOutcome(ok=False, message=no_free_courier(district).message)
        order = orders.keep_waiting(session, name=name, district_id=done.district_id, details=details or {})
        if order.courier is not None:
            return DispatchOutcome(ok=True, order=order, courier=order.courier, message="")
        return DispatchOutcome(ok=True, order=order, waiting=True, message="")
    # By primary key: the page shows both (names, links); the API's answer loads neither.
    order, courier = session.get(Order, done.order_id), session.get(Courier, done.courier_id)
    return DispatchOutcome(
        ok=True, order=order, courier=courier,
        message=f"{order.display_name} went to {courier.display_name}.",
    )
