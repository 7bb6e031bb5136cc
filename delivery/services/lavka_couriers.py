"""Lavka couriers: batch registration, reading, paging and meta-info (earnings and rating).

A batch of any size is two INSERT statements (couriers, then their districts) plus one for the
districts themselves, never a statement per courier (`bulk.insert_with_ids`). Core table inserts
skip the ORM's per-row bookkeeping, which nothing needs for rows no session holds.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from delivery.domain.earnings import meta_figures
from delivery.domain.lavka_time import midnight
from delivery.errors import ApiError
from delivery.models import Courier, CourierDistrict, Order
from delivery.services import bulk, districts, waiting
from delivery.services.clock import utcnow
from delivery.services.tx import write_transaction


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
        waiting.assign_to_couriers(session, ids)  # orders the page keeps waiting in their regions
    return [
        {"courier_id": courier_id, "courier_type": c["courier_type"],
         "regions": list(c["regions"]), "working_hours": list(c["working_hours"])}
        for courier_id, c in zip(ids, couriers)
    ]


def get_courier(session: Session, courier_id: int) -> dict[str, Any]:
    """Return one courier's CourierDto or raise a 404."""
    courier = session.get(Courier, courier_id)
    if courier is None:
        raise ApiError(404, f"no courier {courier_id}")
    return courier_dto(courier)


def list_couriers(session: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return a page of couriers ordered by id."""
    couriers = session.scalars(select(Courier).order_by(Courier.id).offset(offset).limit(limit))
    return [courier_dto(c) for c in couriers]


def meta_info(session: Session, courier_id: int, start: date, end: date) -> dict[str, Any]:
    """Return the courier's CourierDto with earnings and rating over [start, end) (absent if idle)."""
    courier = session.get(Courier, courier_id)
    if courier is None:
        raise ApiError(404, f"no courier {courier_id}")
    count, cost_sum = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.cost), 0)).where(
            Order.courier_id == courier_id,
            Order.status == "completed",
            Order.completed_at >= midnight(start),
            Order.completed_at < midnight(end),
        )
    ).one()
    return {**courier_dto(courier), **meta_figures(courier.type, count, int(cost_sum), (end - start).days)}
