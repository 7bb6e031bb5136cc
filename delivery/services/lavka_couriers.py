"""Lavka couriers: batch registration, reading, paging and meta-info (earnings and rating).

A batch of any size is two INSERT statements (couriers, then their districts) plus one for the
districts themselves, never a statement per courier (`bulk.insert_with_ids`). Core table inserts
skip the ORM's per-row bookkeeping, which nothing needs for rows no session holds.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from delivery.domain.earnings import meta_figures
from delivery.domain.lavka_time import midnight
from delivery.errors import ApiError
from delivery.models import Courier, CourierDistrict, Order
from delivery.services import bulk, districts, orders
from delivery.services.clock import utcnow
from delivery.services.lookup import get_or_404
from delivery.services.tx import read_rows, write_transaction


def courier_dto(courier: Courier) -> dict[str, Any]:
    """The contract's CourierDto of a stored courier."""
    return {
        "courier_id": courier.id,
        "courier_type": courier.type,
        "regions": courier.region_ids,
        "working_hours": list(courier.working_hours),
    }


def create_couriers(session: Session, couriers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store a validated batch atomically; return CourierDtos in request order."""
    with write_transaction(session):
        districts.ensure_ids(session, (r for c in couriers for r in c["regions"]))
        now = utcnow()  # free from registration, like a courier of the dispatch API
        rows = [
            {"uuid": uuid.uuid4(), "name": None, "type": c["courier_type"],
             "working_hours": list(c["working_hours"]), "free_since": now}
            for c in couriers
        ]
        ids = bulk.insert_with_ids(session, Courier.__table__, rows)
        links = [
            {"courier_id": courier_id, "position": position, "district_id": region}
            for courier_id, c in zip(ids, couriers)
            for position, region in enumerate(c["regions"])
        ]
        session.execute(insert(CourierDistrict.__table__), links)
        orders.assign_to_couriers(session, ids)  # orders the page keeps waiting in their regions
    return [
        {"courier_id": courier_id, "courier_type": c["courier_type"],
         "regions": list(c["regions"]), "working_hours": list(c["working_hours"])}
        for courier_id, c in zip(ids, couriers)
    ]


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
    """CourierDtos from rows of `WITH_REGIONS` (day planning reads every courier so), each courier's
    rows next to each other."""
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


def get_courier(session: Session, courier_id: int) -> dict[str, Any]:
    """Return one courier's CourierDto or raise a 404."""
    found = list(courier_dtos(read_rows(session, _ONE, {"courier_id": courier_id})))
    if not found:
        raise ApiError(404, f"no courier {courier_id}")
    return found[0]


def list_couriers(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return a page of couriers ordered by id."""
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


def meta_info(session: Session, courier_id: int, start: date, end: date) -> dict[str, Any]:
    """Return the courier's CourierDto with earnings and rating over [start, end) (absent if idle)."""
    courier = get_or_404(session, Courier, courier_id, f"no courier {courier_id}")
    count, cost_sum = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.cost), 0)).where(
            Order.courier_id == courier_id,
            Order.status == "completed",
            Order.completed_at >= midnight(start),
            Order.completed_at < midnight(end),
        )
    ).one()
    return {**courier_dto(courier), **meta_figures(courier.type, count, int(cost_sum), (end - start).days)}
