"""A courier's profile as the dispatcher edits it: name, type, districts and working hours.

Neither API edits a courier, so this is the pages' own use case; districts named here are created
on first use through the same `districts` service both APIs use.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.domain.intervals import parse_interval
from delivery.errors import ApiError
from delivery.models import COURIER_TYPES, Courier, CourierDistrict, District, Order, Trip
from delivery.services import districts as district_service


def get_courier(session: Session, courier_id: int) -> Courier:
    """One courier by id; 404 when unknown."""
    courier = session.get(Courier, courier_id)
    if courier is None:
        raise ApiError(404, f"No courier {courier_id}")
    return courier


def update_courier(
    session: Session,
    courier_id: int,
    *,
    name: str,
    courier_type: str,
    district_ids: Sequence[int],
    new_district_names: Sequence[str],
    working_hours: Sequence[str],
) -> Courier:
    """Replace a courier's profile; districts and intervals are checked, new district names created."""
    if courier_type not in COURIER_TYPES:
        raise ApiError(400, f"type must be one of {', '.join(COURIER_TYPES)}")
    for interval in working_hours:
        try:
            parse_interval(interval)
        except ValueError as error:
            raise ApiError(400, str(error)) from error
    try:
        courier = get_courier(session, courier_id)
        ids = list(dict.fromkeys(district_ids))
        known = set(session.scalars(select(District.id).where(District.id.in_(ids)))) if ids else set()
        if unknown := [i for i in ids if i not in known]:
            raise ApiError(400, f"unknown district ids: {unknown}")
        if new_district_names:
            created = district_service.ensure_names(session, new_district_names)
            ids += [i for i in created.values() if i not in ids]
        if not ids:
            raise ApiError(400, "a courier serves at least one district")
        courier.name = name.strip() or None
        courier.type = courier_type
        courier.working_hours = list(working_hours)
        courier.districts.clear()
        session.flush()
        courier.districts.extend(CourierDistrict(position=n, district_id=i) for n, i in enumerate(ids))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return courier


def active_order(session: Session, courier_id: int) -> Order | None:
    """The courier's assigned, uncompleted order (a live-dispatched one before a planned one), if any."""
    return session.scalar(
        select(Order)
        .where(Order.courier_id == courier_id, Order.status == "assigned")
        .order_by(Order.trip_id.is_not(None), Order.assigned_at)
        .limit(1)
    )


def trips_on(session: Session, courier_id: int, day: date) -> list[Trip]:
    """The courier's planned trips of one day, in time order."""
    return list(
        session.scalars(
            select(Trip).where(Trip.courier_id == courier_id, Trip.date == day).order_by(Trip.start_minute)
        )
    )


@dataclass
class CourierCard:
    """Everything the courier card shows."""

    courier: Courier
    busy: bool
    active_order: Order | None
    avg_complete_seconds: int | None
    avg_day_orders: int
    start: date
    end: date
    earnings: int | None
    rating: int | None
    day: date
    trips: list[Trip] = field(default_factory=list)

    @property
    def avg_complete(self) -> str | None:
        if self.avg_complete_seconds is None:
            return None
        hours, rest = divmod(int(self.avg_complete_seconds), 3600)
        return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def card(session: Session, courier_id: int, *, start: date, end: date, day: date) -> CourierCard:
    """The courier card: live state, kept statistics, meta-info for [start, end) and the day's trips."""
    courier = get_courier(session, courier_id)
    order = active_order(session, courier_id)
    earnings, rating = _meta_info(session, courier_id, start, end)
    return CourierCard(
        courier=courier,
        busy=order is not None,
        active_order=order,
        avg_complete_seconds=courier.avg_complete_seconds,
        avg_day_orders=courier.avg_day_orders,
        start=start,
        end=end,
        earnings=earnings,
        rating=rating,
        day=day,
        trips=trips_on(session, courier_id, day),
    )


def _meta_info(session: Session, courier_id: int, start: date, end: date) -> tuple[int | None, int | None]:
    return None, None
