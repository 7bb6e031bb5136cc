"""The day's plan as the dispatcher sees it: a timeline of the trips planned and the orders still waiting.

The timeline places each courier's working hours and planned trips on one axis of minutes, and lists
the orders still waiting with the reason the planner could not take each one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.domain.intervals import valid_spans
from delivery.domain.order_status import OrderStatus
from delivery.domain.unplanned import NO_CAPACITY, Reason, why_unplanned
from delivery.models import Courier, Order, Trip

DEFAULT_AXIS = (8 * 60, 20 * 60)
PENDING = "pending"


@dataclass
class Bar:
    """Something placed on the axis: minutes, and CSS percentages of the axis."""

    start: int
    end: int
    left: float
    width: float
    trip: Trip | None = None


@dataclass
class Row:
    """One courier's line: its working hours and its trips."""

    courier: Courier
    shifts: list[Bar] = field(default_factory=list)
    trips: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    """The plan of one day."""

    day: date
    axis_start: int
    axis_end: int
    rows: list[Row]
    unplanned: list[tuple[Order, Reason]]

    @property
    def hours(self) -> list[tuple[int, float]]:
        """(minute, left %) of each whole hour on the axis, for the ruler."""
        first = -(-self.axis_start // 60) * 60
        return [(m, self._pct(m)) for m in range(first, self.axis_end + 1, 60)]

    @property
    def planned(self) -> int:
        return sum(len(bar.trip.orders) for row in self.rows for bar in row.trips if bar.trip)

    def _pct(self, minute: int) -> float:
        return round(100 * (minute - self.axis_start) / (self.axis_end - self.axis_start), 3)


def timeline(session: Session, day: date) -> Timeline:
    """Every courier with hours or trips that day, its trips as bars, and the waiting orders explained."""
    couriers = list(session.scalars(select(Courier).order_by(Courier.id)))
    trips = list(session.scalars(select(Trip).where(Trip.date == day).order_by(Trip.start_minute)))
    by_courier: dict[int, list[Trip]] = {}
    for trip in trips:
        by_courier.setdefault(trip.courier_id, []).append(trip)
    shown = [c for c in couriers if c.working_hours or c.id in by_courier]
    edges = [m for c in shown for span in valid_spans(c.working_hours) for m in span]
    edges += [m for t in trips for m in (t.start_minute, t.end_minute)]
    axis_start = (min(edges) // 60) * 60 if edges else DEFAULT_AXIS[0]
    axis_end = -(-max(edges) // 60) * 60 if edges else DEFAULT_AXIS[1]
    if axis_end <= axis_start:
        axis_end = axis_start + 60
    result = Timeline(day=day, axis_start=axis_start, axis_end=axis_end, rows=[], unplanned=[])

    def bar(start: int, end: int, trip: Trip | None = None) -> Bar:
        return Bar(start, end, result._pct(start), max(0.4, result._pct(end) - result._pct(start)), trip)

    for courier in shown:
        row = Row(courier=courier)
        row.shifts = [bar(s, e) for s, e in valid_spans(courier.working_hours)]
        row.trips = [bar(t.start_minute, t.end_minute, t) for t in by_courier.get(courier.id, [])]
        result.rows.append(row)
    profiles = [(c.type, c.region_ids, valid_spans(c.working_hours)) for c in couriers]
    waiting = session.scalars(select(Order).where(Order.status == OrderStatus.NEW.value).order_by(Order.id))
    result.unplanned = [
        (o, _pending_or(why_unplanned(o.weight, o.district_id, valid_spans(o.delivery_hours), profiles), trips))
        for o in waiting
    ]
    return result


def _pending_or(reason: Reason, trips: list[Trip]) -> Reason:
    # "No capacity" is only true once the planner ran for the day; before that the order just waits.
    if reason.code == NO_CAPACITY and not trips:
        return Reason(PENDING, "Not planned yet: plan this day to assign it.")
    return reason
