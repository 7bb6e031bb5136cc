"""Day planning for `POST /orders/assign`: group orders into courier trips (rules: `specs/planning.md`).

`plan` returns trips that are valid under rules 1-7 and the courier's already planned (busy) trips, and
tries to deliver as many orders as possible, then at the lowest delivery cost. It is pure Python on
purpose: the app runs with its light dependencies only, a city-sized day must be planned in well under
two seconds, and a heuristic with a clock is easier to bound than a solver. How it searches lives in
`planning_improve`; the data model in `planning_model`; one courier's day in `planning_schedule`.
`validate` is the independent check used by tests and services.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from delivery.domain.courier_types import rules_for
from delivery.domain.planning_improve import construct, improve
from delivery.domain.planning_model import make_courier, merge_windows, Order
from delivery.domain.planning_search import Plan

Span = tuple[int, int]


@dataclass(frozen=True)
class CourierIn:
    """A courier to plan for; `busy` holds trips already planned for it that day."""

    id: int
    type: str  # "FOOT" | "BIKE" | "AUTO"
    regions: tuple[int, ...]  # may repeat; read as a set
    working_hours: tuple[Span, ...]  # closed (start, end) minutes, start < end; may overlap
    busy: tuple[Span, ...] = ()  # new trips may touch these end to end but not overlap them


@dataclass(frozen=True)
class OrderIn:
    """An order waiting for a courier."""

    id: int
    weight: float
    region: int
    delivery_hours: tuple[Span, ...]
    cost: int


@dataclass(frozen=True)
class PlannedTrip:
    """One planned trip: its courier, start minute and (order id, delivery minute) in delivery order."""

    courier_id: int
    start: int
    orders: tuple[tuple[int, int], ...]


def plan(couriers: Sequence[CourierIn], orders: Sequence[OrderIn], *, time_limit: float = 1.0) -> list[PlannedTrip]:
    """Plan trips: valid under rules 1-7 always; most orders delivered, then lowest cost.

    The improvement phase stops at the latest `time_limit` seconds after the call began (or earlier,
    when it runs out of ideas), so the construction's time counts against the same budget. The result
    depends only on the input unless the clock stops the search first.
    """
    deadline = time.perf_counter() + time_limit
    inner_couriers = [make_courier(k, c.id, c.type, c.regions, c.working_hours, c.busy)
                      for k, c in enumerate(couriers)]
    # An order without delivery hours can never be delivered; it is dropped before the orders are
    # numbered, since the search indexes its arrays by that number.
    deliverable = [o for o in orders if o.delivery_hours]
    inner_orders = [Order(k, o.id, o.weight, o.region, merge_windows(o.delivery_hours), o.cost)
                    for k, o in enumerate(deliverable)]
    state = Plan(inner_couriers, inner_orders)
    construct(state)
    improve(state, deadline)
    return _export(state)


def _export(state: Plan) -> list[PlannedTrip]:
    """Turn the schedules into `PlannedTrip`s sorted by courier id and start."""
    out: list[PlannedTrip] = []
    for schedule in state.schedules:
        rules = schedule.courier.rules
        for trip, start in zip(schedule.trips, schedule.starts()):
            minute = start
            previous = None
            deliveries = []
            for order in trip.seq:
                minute += rules.next_order_minutes if order.region == previous else rules.first_order_minutes
                previous = order.region
                deliveries.append((order.id, minute))
            out.append(PlannedTrip(schedule.courier.id, start, tuple(deliveries)))
    out.sort(key=lambda t: (t.courier_id, t.start))
    return out


def validate(couriers: Sequence[CourierIn], orders: Sequence[OrderIn], trips: Sequence[PlannedTrip]) -> list[str]:
    """List every way the trips break rules 1-7, the busy trips or "each order once"; empty when valid."""
    errors: list[str] = []
    by_courier = {c.id: c for c in couriers}
    by_order = {o.id: o for o in orders}
    seen: set[int] = set()
    spans: dict[int, list[Span]] = {}
    for n, trip in enumerate(trips):
        where = f"trip {n} (courier {trip.courier_id})"
        courier = by_courier.get(trip.courier_id)
        if courier is None:
            errors.append(f"{where}: unknown courier")
            continue
        if not trip.orders:
            errors.append(f"{where}: no orders")
            continue
        rules = rules_for(courier.type)
        known = [by_order[oid] for oid, _ in trip.orders if oid in by_order]
        for oid, _ in trip.orders:
            if oid not in by_order:
                errors.append(f"{where}: unknown order {oid}")
            elif oid in seen:
                errors.append(f"{where}: order {oid} planned twice")
            seen.add(oid)
        regions_in_order = [o.region for o in known]
        for o in known:
            if o.region not in courier.regions:
                errors.append(f"{where}: order {o.id} in region {o.region} the courier does not serve")
        if sum(o.weight for o in known) > rules.max_weight + 1e-9:
            errors.append(f"{where}: too heavy")
        if len(trip.orders) > rules.max_orders:
            errors.append(f"{where}: too many orders")
        if len(set(regions_in_order)) > rules.max_regions:
            errors.append(f"{where}: too many regions")
        blocks = [r for k, r in enumerate(regions_in_order) if k == 0 or r != regions_in_order[k - 1]]
        if len(blocks) != len(set(blocks)):
            errors.append(f"{where}: a region is entered twice")
        if len(known) != len(trip.orders):
            continue  # timing cannot be checked without every order
        minute, previous = trip.start, None
        for (oid, planned), o in zip(trip.orders, known):
            minute += rules.next_order_minutes if o.region == previous else rules.first_order_minutes
            previous = o.region
            if planned != minute:
                errors.append(f"{where}: order {oid} planned at {planned}, rule 4 gives {minute}")
            if not any(a <= minute <= b for a, b in o.delivery_hours):
                errors.append(f"{where}: order {oid} delivered at {minute} outside its windows")
        end = minute
        if not any(a <= trip.start and end <= b for a, b in courier.working_hours):
            errors.append(f"{where}: [{trip.start}, {end}] is not inside one working interval")
        spans.setdefault(courier.id, []).append((trip.start, end))
    for cid, own in spans.items():
        own.sort()
        for (a1, b1), (a2, b2) in zip(own, own[1:]):
            if a2 < b1:
                errors.append(f"courier {cid}: trips [{a1}, {b1}] and [{a2}, {b2}] overlap")
        for a1, b1 in own:
            for a2, b2 in by_courier[cid].busy:
                if a1 < b2 and a2 < b1:
                    errors.append(f"courier {cid}: trip [{a1}, {b1}] overlaps busy trip [{a2}, {b2}]")
    return errors
