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
from delivery.services import availability, dispatch, lavka_couriers, orders
from delivery.services import districts as district_service
from delivery.services.lookup import get_or_404


def get_courier(session: Session, courier_id: int) -> Courier:
    """One courier by id; 404 when unknown."""
    return get_or_404(session, Courier, courier_id, f"No courier {courier_id}")


def _check_profile(courier_type: str, working_hours: Sequence[str]) -> None:
    if courier_type not in COURIER_TYPES:
        raise ApiError(400, f"type must be one of {', '.join(COURIER_TYPES)}")
    for interval in working_hours:
        try:
            parse_interval(interval)
        except ValueError as error:
            raise ApiError(400, str(error)) from error


def register(
    session: Session,
    *,
    name: str,
    courier_type: str,
    district_ids: Sequence[int],
    new_district_names: Sequence[str],
    working_hours: Sequence[str],
) -> Courier:
    """Register a courier through the dispatch API's registration, then set its type and hours.

    Registration is the dispatch door's (free from now, districts by name, created on first use);
    the profile is checked before anything is stored, so the second step cannot refuse it.
    """
    _check_profile(courier_type, working_hours)
    names = dict(session.execute(select(District.id, District.name).where(District.id.in_(district_ids))).all())
    if unknown := [i for i in district_ids if i not in names]:
        raise ApiError(400, f"unknown district ids: {unknown}")
    wanted = list(dict.fromkeys([names[i] for i in district_ids] + [n.strip() for n in new_district_names]))
    if not wanted:
        raise ApiError(400, "a courier serves at least one district")
    registered = dispatch.register_courier(session, name.strip(), wanted)
    courier = session.scalar(select(Courier).where(Courier.uuid == registered["id"]))
    courier.type = courier_type
    courier.working_hours = list(working_hours)
    session.commit()
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
    _check_profile(courier_type, working_hours)
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
        session.flush()
        orders.assign_to_couriers(session, [courier.id])  # a new district may have an order waiting
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return courier


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
    avg_complete: str | None  # HH:MM:SS, as the dispatch card shows it
    avg_day_orders: int
    start: date
    end: date
    earnings: int | None
    rating: int | None
    day: date
    trips: list[Trip] = field(default_factory=list)
    next_trip: tuple[date, int] | None = None  # (date, start minute) of a trip not started yet


def card(session: Session, courier_id: int, *, start: date, end: date, day: date) -> CourierCard:
    """The courier card: the dispatch card's live state and statistics, the Lavka meta-info for
    [start, end), and the day's planned trips."""
    courier = get_courier(session, courier_id)
    live = dispatch.courier_card(session, courier.uuid)
    meta = lavka_couriers.meta_info(session, courier_id, start, end) if end > start else {}
    # Busy now: the live order, or an order of the trip under way; a later trip is the next trip.
    now = availability.local_now()
    order = availability.current_order(session, courier_id, now)
    return CourierCard(
        courier=courier,
        busy=order is not None,
        next_trip=availability.next_trips(session, [courier_id], now).get(courier_id),
        active_order=order,
        avg_complete=live["avg_order_complete_time"],
        avg_day_orders=live["avg_day_orders"],
        start=start,
        end=end,
        earnings=meta.get("earnings"),
        rating=meta.get("rating"),
        day=day,
        trips=trips_on(session, courier_id, day),
    )
