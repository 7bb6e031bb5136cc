"""The courier card page: the dispatch card's live state and statistics, the Lavka meta-info's
earnings and rating over a window of days, and the day's planned trips."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from delivery.models import Courier, Order, Trip
from delivery.services import availability, couriers


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
    """The courier card of [start, end) and of `day`'s trips; NotFound for an unknown courier."""
    courier = couriers.get_courier(session, courier_id)
    live = couriers.live_card(session, courier.uuid)
    figures = couriers.earnings(session, courier_id, courier.type, start, end) if end > start else None
    # Busy now: the live order, or an order of the trip under way; a later trip is the next trip.
    now = availability.local_now()
    order = availability.current_order(session, courier_id, now)
    return CourierCard(
        courier=courier,
        busy=order is not None,
        next_trip=availability.next_trips(session, [courier_id], now).get(courier_id),
        active_order=order,
        avg_complete=live.avg_order_complete_time,
        avg_day_orders=live.avg_day_orders,
        start=start,
        end=end,
        earnings=figures.earnings if figures else None,
        rating=figures.rating if figures else None,
        day=day,
        trips=couriers.trips_on(session, courier_id, day),
    )
