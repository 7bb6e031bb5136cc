"""Couriers: registering them (the Lavka batch, the dispatch API, the courier page, a file import),
editing a profile, and reading them.

One registration whatever the door (`store`): the courier is stored free from now (`free_since`),
linked to its districts in the order given (duplicates kept), and handed the orders waiting in them.
The doors differ only in how they name districts (Lavka region numbers and dispatch names are created
on first use; the page picks existing ids and names new ones the dispatcher confirmed) and in what
they check first. A batch of any size is two INSERT statements (couriers, then their districts) plus
one for the districts themselves, never a statement per courier (`bulk.insert_with_ids`): Core inserts
skip the ORM's per-row bookkeeping, which nothing needs for rows no session holds.

Reading: a courier of the Lavka API is plain data in its CourierDto shape (`courier_id`,
`courier_type`, `regions`, `working_hours`), built from one statement (`WITH_REGIONS`). Pages of
thousands of them are sent as they are (`GET /couriers` is a hot path: marshmallow would walk every
row again), and day planning reads every courier so.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session, lazyload, load_only

from delivery.domain.courier_types import COURIER_TYPES, CourierType
from delivery.domain.earnings import MetaFigures, meta_figures
from delivery.domain.errors import Invalid, NotFound
from delivery.domain.intervals import parse_interval
from delivery.domain.lavka_time import midnight
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, CourierDistrict, District, Order, Trip
from delivery.services import bulk, districts, orders
from delivery.services.clock import utcnow
from delivery.services.courier_stats import card_stats
from delivery.services.lookup import get_one
from delivery.services.tx import read_rows, write_transaction

COMPLETED = OrderStatus.COMPLETED.value


# --- Registering ---------------------------------------------------------------------------------

class NewCourier(NamedTuple):
    """A courier to store: what every door knows once its districts are ids."""

    name: str | None
    courier_type: str
    working_hours: Sequence[str]
    district_ids: Sequence[int]
    courier_uuid: uuid.UUID | None = None  # a new one when not given


def store(session: Session, couriers: Sequence[NewCourier]) -> list[int]:
    """Store the couriers (inside the caller's write transaction); return their ids in order.

    Free from registration, whichever door; the orders waiting in their districts go to them.
    """
    now = utcnow()
    rows = [
        {"uuid": c.courier_uuid or uuid.uuid4(), "name": c.name, "type": c.courier_type,
         "working_hours": list(c.working_hours), "free_since": now}
        for c in couriers
    ]
    ids = bulk.insert_with_ids(session, Courier.__table__, rows)
    links = [
        {"courier_id": courier_id, "position": position, "district_id": district_id}
        for courier_id, c in zip(ids, couriers)
        for position, district_id in enumerate(c.district_ids)
    ]
    if links:
        session.execute(insert(CourierDistrict.__table__), links)
    orders.assign_to_couriers(session, ids)  # orders the page keeps waiting in their districts
    return ids


def create_couriers(session: Session, couriers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Lavka batch (and a file import's row): store validated CreateCourierDtos atomically, their
    regions' districts created on first use; return the CourierDtos in request order."""
    with write_transaction(session):
        districts.ensure_ids(session, (r for c in couriers for r in c["regions"]))
        ids = store(session, [
            NewCourier(None, c["courier_type"], c["working_hours"], c["regions"]) for c in couriers
        ])
    return [
        {"courier_id": courier_id, "courier_type": c["courier_type"],
         "regions": list(c["regions"]), "working_hours": list(c["working_hours"])}
        for courier_id, c in zip(ids, couriers)
    ]


@dataclass(frozen=True)
class Registered:
    """A courier the dispatch API registered: its UUID, its name and its districts' names, as given."""

    id: uuid.UUID
    name: str
    districts: list[str]


def register(session: Session, name: str, district_names: Sequence[str]) -> Registered:
    """The dispatch API's registration: a FOOT courier with no working hours serving these districts,
    named as given and created on first use.

    The answer is known once stored: reading the row back would start another transaction.
    """
    courier_uuid = uuid.uuid4()
    with write_transaction(session):
        ids = districts.ensure_names(session, district_names)
        store(session, [NewCourier(name, CourierType.FOOT.value, [], [ids[n] for n in district_names], courier_uuid)])
    return Registered(courier_uuid, name, list(district_names))


def _check_profile(profile: Profile) -> None:
    if profile.courier_type not in COURIER_TYPES:
        raise Invalid(f"type must be one of {', '.join(COURIER_TYPES)}")
    for interval in profile.working_hours:
        try:
            parse_interval(interval)
        except ValueError as error:
            raise Invalid(str(error)) from error


def _district_ids(session: Session, profile: Profile) -> list[int]:
    """The page's districts: existing ids (each must exist) then new names, created now; at least one."""
    ids = list(dict.fromkeys(profile.district_ids))
    known = set(session.scalars(select(District.id).where(District.id.in_(ids)))) if ids else set()
    if unknown := [i for i in ids if i not in known]:
        raise Invalid(f"unknown district ids: {unknown}")
    names = [name.strip() for name in profile.new_district_names]
    if names:
        created = districts.ensure_names(session, names)
        ids += [i for i in created.values() if i not in ids]
    if not ids:
        raise Invalid("a courier serves at least one district")
    return ids


@dataclass(frozen=True)
class Profile:
    """A courier as the page's form gives it: existing districts by id, new ones by name."""

    name: str
    courier_type: str
    district_ids: Sequence[int]
    new_district_names: Sequence[str]
    working_hours: Sequence[str]


def register_profile(session: Session, profile: Profile) -> Courier:
    """The page's registration: a courier with its name, type, districts and working hours.

    The profile is checked before anything is stored; new district names are created now.
    """
    _check_profile(profile)
    with write_transaction(session):
        ids = _district_ids(session, profile)
        [courier_id] = store(session, [NewCourier(profile.name.strip() or None, profile.courier_type,
                                             list(profile.working_hours), ids)])
    return session.get(Courier, courier_id)


def update_courier(session: Session, courier_id: int, profile: Profile) -> Courier:
    """Replace a courier's profile (the page's edit; neither API edits a courier)."""
    _check_profile(profile)
    with write_transaction(session):
        courier = get_courier(session, courier_id)
        ids = _district_ids(session, profile)
        courier.name = profile.name.strip() or None
        courier.type = profile.courier_type
        courier.working_hours = list(profile.working_hours)
        courier.districts.clear()
        session.flush()
        courier.districts.extend(CourierDistrict(position=n, district_id=i) for n, i in enumerate(ids))
        session.flush()
        orders.assign_to_couriers(session, [courier.id])  # a new district may have an order waiting
    return courier


# --- Reading -------------------------------------------------------------------------------------

def get_courier(session: Session, courier_id: int) -> Courier:
    """One courier by id (the pages'); NotFound when unknown."""
    return get_one(session, Courier, courier_id, f"No courier {courier_id}")


def registered(session: Session, offset: int = 0, limit: int | None = None) -> list[Courier]:
    """Couriers in registration order (ids only grow), whichever door registered them: id, uuid and
    name loaded, the districts left for later."""
    query = (
        select(Courier).options(load_only(Courier.id, Courier.uuid, Courier.name), lazyload(Courier.districts))
        .order_by(Courier.id).offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


_C, _CD = Courier.__table__.c, CourierDistrict.__table__.c
# Couriers with their regions in one statement: a row per (courier, region), in id then list order.
WITH_REGIONS = (
    select(_C.id, _C.type, _C.working_hours, _CD.district_id)
    .select_from(Courier.__table__.outerjoin(CourierDistrict.__table__, _CD.courier_id == _C.id))
    .order_by(_C.id, _CD.position)
)
_ONE = WITH_REGIONS.where(_C.id == bindparam("courier_id"))
_PAGE = WITH_REGIONS.where(_C.id.in_(
    select(_C.id).order_by(_C.id).offset(bindparam("offset")).limit(bindparam("limit")).scalar_subquery()
))
# Rows fetched at a time when a page is read in chunks (a server-side cursor on PostgreSQL).
CHUNK_ROWS = 2000


def courier_dtos(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """CourierDtos from rows of `WITH_REGIONS`, each courier's rows next to each other."""
    dto: dict[str, Any] | None = None
    for courier_id, courier_type, working_hours, region in rows:
        if dto is None or dto["courier_id"] != courier_id:
            if dto is not None:
                yield dto
            dto = {"courier_id": courier_id, "courier_type": courier_type, "regions": [],
                   "working_hours": list(working_hours)}
        if region is not None:
            dto["regions"].append(region)
    if dto is not None:
        yield dto


def read_courier(session: Session, courier_id: int) -> dict[str, Any]:
    """One courier's CourierDto, in one statement; NotFound when unknown."""
    found = list(courier_dtos(read_rows(session, _ONE, {"courier_id": courier_id})))
    if not found:
        raise NotFound(f"no courier {courier_id}")
    return found[0]


def list_couriers(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """A page of CourierDtos ordered by id."""
    return list(courier_dtos(read_rows(session, _PAGE, {"offset": offset, "limit": limit})))


def iter_couriers(session: Session, offset: int, limit: int) -> Iterator[list[dict[str, Any]]]:
    """A page of couriers ordered by id, as lists of CourierDtos: the rows come from the database a
    chunk at a time (a server-side cursor on PostgreSQL), so memory does not grow with the page."""
    engine = session.get_bind()
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(
            _PAGE, {"offset": offset, "limit": limit})
        chunk: list[dict[str, Any]] = []
        for dto in courier_dtos(result):
            chunk.append(dto)
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def earnings(session: Session, courier_id: int, courier_type: str, start: date, end: date) -> MetaFigures | None:
    """Earnings and rating over [start, end) (lavka.md, Meta-info); None when nothing was completed."""
    count, cost_sum = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.cost), 0)).where(
            Order.courier_id == courier_id,
            Order.status == COMPLETED,
            Order.completed_at >= midnight(start),
            Order.completed_at < midnight(end),
        )
    ).one()
    return meta_figures(courier_type, count, int(cost_sum), (end - start).days)


@dataclass(frozen=True)
class MetaInfo:
    """The Lavka meta-info: the courier's CourierDto fields and its figures (None when idle)."""

    courier_id: int
    courier_type: str
    regions: list[int]
    working_hours: list[str]
    figures: MetaFigures | None


def meta_info(session: Session, courier_id: int, start: date, end: date) -> MetaInfo:
    """The courier with its earnings and rating over [start, end); NotFound for an unknown courier."""
    courier = read_courier(session, courier_id)
    return MetaInfo(**courier, figures=earnings(session, courier_id, courier["courier_type"], start, end))


def trips_on(session: Session, courier_id: int, day: date) -> list[Trip]:
    """The courier's planned trips of one day, in time order."""
    return list(
        session.scalars(
            select(Trip).where(Trip.courier_id == courier_id, Trip.date == day).order_by(Trip.start_minute)
        )
    )


# --- The dispatch API's courier card ---------------------------------------------------------------

@dataclass(frozen=True)
class ActiveOrder:
    order_id: uuid.UUID
    order_name: str


@dataclass(frozen=True)
class LiveCard:
    """The dispatch card: districts, the active live order and the statistics."""

    id: uuid.UUID
    name: str
    districts: list[str]
    active_order: ActiveOrder | None
    avg_order_complete_time: str | None  # HH:MM:SS; hours may exceed 23
    avg_day_orders: int


_O, _D = Order.__table__.c, District.__table__.c
_DONE = Order.__table__.alias("done")
_LATEST_COMPLETION = (
    select(func.max(_DONE.c.completed_at)).where(_DONE.c.courier_id == _C.id, _DONE.c.status == COMPLETED)
    .correlate(Courier.__table__).scalar_subquery()
)
# The whole card in one statement: one row per district of the courier (in its order), each with the
# courier's statistics columns, its live order and its latest completion.
_CARD = (
    select(_C.id, _C.name, _C.avg_complete_seconds, _C.avg_day_orders, _C.stats_as_of,
           _C.stats_computed_at, _LATEST_COMPLETION.label("latest"), _O.id.label("order_id"),
           _O.uuid.label("order_uuid"), _O.name.label("order_name"), _D.name.label("district"))
    .select_from(
        Courier.__table__
        .outerjoin(Order.__table__, _O.id == _C.active_order_id)
        .outerjoin(CourierDistrict.__table__, _CD.courier_id == _C.id)
        .outerjoin(District.__table__, _D.id == _CD.district_id)
    )
    .where(_C.uuid == bindparam("uuid"))
    .order_by(_CD.position)
)


def live_card(session: Session, courier_uuid: uuid.UUID) -> LiveCard:
    """The dispatch API's courier card, in one statement (plus the figures when their copy is behind)."""
    rows = read_rows(session, _CARD, {"uuid": courier_uuid})
    if not rows:
        raise NotFound("Courier not found")
    courier = rows[0]
    active = None
    if courier.order_uuid is not None:
        active = ActiveOrder(courier.order_uuid, courier.order_name or f"Order {courier.order_id}")
    stats = card_stats(session, courier, latest=courier.latest)
    return LiveCard(
        id=courier_uuid,
        name=courier.name or f"Courier {courier.id}",
        districts=[row.district for row in rows if row.district is not None],
        active_order=active,
        avg_order_complete_time=stats.avg_order_complete_time,
        avg_day_orders=stats.avg_day_orders,
    )
