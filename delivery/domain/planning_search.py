"""A plan under construction: which courier carries which order, and the moves that change it.

The central move is *best insertion*: put one order where it raises the plan's cost least, either into
an existing trip (any delivery position that keeps regions contiguous) or as a new single-order trip in
any gap of a courier's day. Every move is checked against the courier's schedule before it is made, so
the plan is valid after every step. Changes can be recorded and undone, which the local search uses.
"""
from __future__ import annotations

from typing import Sequence

from delivery.domain.planning_model import Courier, Order
from delivery.domain.planning_schedule import Schedule, Trip, make_trip

# An insertion: (cost increase x5, courier index, trip position, is_new_trip, the new trip).
Insertion = tuple[int, int, int, bool, Trip]


class Plan:
    """Schedules of all couriers plus where each order is; totals are kept up to date."""

    def __init__(self, couriers: Sequence[Courier], orders: Sequence[Order]) -> None:
        self.couriers = couriers
        self.orders = orders
        self.schedules = [Schedule(c) for c in couriers]
        self.where = [-1] * len(orders)  # courier index carrying each order, -1 when unassigned
        self.count = 0
        self.cost = 0  # x5, see `cost5`
        self.candidates: list[Order] = []  # orders some courier could carry at all
        self.by_region: dict[int, list[Courier]] = {}
        for courier in couriers:
            if courier.blocks:
                for region in courier.regions:
                    self.by_region.setdefault(region, []).append(courier)
        self._log: dict[int, list[Trip]] | None = None
        self._log_where: dict[int, int] = {}

    # --- recording and undo -------------------------------------------------------------------
    def begin(self) -> None:
        """Start recording changes so that `rollback` can restore the current plan."""
        self._log = {}
        self._log_where = {}
        self._saved = (self.count, self.cost)

    def rollback(self) -> None:
        """Restore the plan as it was at `begin`."""
        assert self._log is not None
        for ci, trips in self._log.items():
            self.schedules[ci].trips = trips
            self.schedules[ci].refresh()
        for oi, ci in self._log_where.items():
            self.where[oi] = ci
        self.count, self.cost = self._saved
        self._log = None

    def commit(self) -> None:
        """Stop recording and keep the changes."""
        self._log = None

    def _touch(self, ci: int) -> Schedule:
        schedule = self.schedules[ci]
        if self._log is not None and ci not in self._log:
            self._log[ci] = list(schedule.trips)
        return schedule

    def _set_where(self, oi: int, ci: int) -> None:
        if self._log is not None and oi not in self._log_where:
            self._log_where[oi] = self.where[oi]
        self.where[oi] = ci

    # --- insertion ----------------------------------------------------------------------------
    def best_insertion(self, order: Order) -> Insertion | None:
        """The cheapest valid way to add `order` to the plan, or None when it fits nowhere."""
        best: Insertion | None = None
        for courier in self.by_region.get(order.region, ()):
            if courier.rules.max_weight < order.weight:
                continue
            option = self._best_in(courier, order, best[0] if best else None)
            if option is not None:
                best = option
        return best

    def _best_in(self, courier: Courier, order: Order, bound: int | None) -> Insertion | None:
        """Cheapest insertion of `order` into this courier's day that beats `bound` (if given)."""
        rules = courier.rules
        schedule = self.schedules[courier.index]
        trips = schedule.trips
        best: Insertion | None = None
        w_lo, w_hi = order.windows[0][0], order.windows[-1][1]
        for i, trip in enumerate(trips):
            if (len(trip.seq) >= rules.max_orders or trip.weight + order.weight > rules.max_weight
                    or (order.region not in trip.regions and len(trip.regions) >= rules.max_regions)):
                continue
            # The trip starts within [earliest, latest]; new deliveries land within the window below.
            earliest = schedule.end_by[i] - trip.duration
            latest = schedule.start_by[i]
            if w_hi < earliest + rules.next_order_minutes or w_lo > latest + trip.duration + rules.first_order_minutes:
                continue
            for seq in _positions(trip.seq, order, rules.max_regions):
                new_cost = rules.pay * (seq[0].cost + 4 * (sum(o.cost for o in seq)))
                delta = new_cost - trip.cost5
                if (bound is not None and delta >= bound) or (best is not None and delta >= best[0]):
                    continue
                new_trip = make_trip(courier, seq)
                if new_trip is None or schedule.fit(new_trip.feasible, new_trip.duration, i, i + 1) is None:
                    continue
                best = (delta, courier.index, i, False, new_trip)
        delta = rules.pay * 5 * order.cost
        if (bound is None or delta < bound) and (best is None or delta < best[0]):
            single = make_trip(courier, (order,))
            if single is not None:
                gap = schedule.gaps_for(single.feasible, single.duration)
                if gap is not None:
                    best = (delta, courier.index, gap, True, single)
        return best

    def apply(self, order: Order, insertion: Insertion) -> None:
        """Make an insertion found by `best_insertion`."""
        delta, ci, pos, is_new, trip = insertion
        schedule = self._touch(ci)
        if is_new:
            schedule.trips.insert(pos, trip)
        else:
            schedule.trips[pos] = trip
        schedule.refresh()
        self._set_where(order.index, ci)
        self.count += 1
        self.cost += delta

    def insert(self, order: Order) -> bool:
        """Insert an order at its cheapest place; tell whether it went in."""
        option = self.best_insertion(order)
        if option is None:
            return False
        self.apply(order, option)
        return True

    # --- removal ------------------------------------------------------------------------------
    def remove(self, order: Order) -> list[Order]:
        """Take an order out of its trip; return every order that became unassigned.

        Removing an order moves later deliveries earlier, which can break their windows or the day;
        then the whole trip is dissolved and all its orders are returned.
        """
        ci = self.where[order.index]
        schedule = self._touch(ci)
        trips = schedule.trips
        i = next(k for k, t in enumerate(trips) if order in t.seq)
        trip = trips[i]
        rest = tuple(o for o in trip.seq if o is not order)
        freed = [order]
        new_trip = make_trip(schedule.courier, rest) if rest else None
        if new_trip is not None and schedule.fit(new_trip.feasible, new_trip.duration, i, i + 1) is not None:
            trips[i] = new_trip
            self.cost += new_trip.cost5 - trip.cost5
        else:
            del trips[i]
            self.cost -= trip.cost5
            freed = list(trip.seq)
        schedule.refresh()
        for o in freed:
            self._set_where(o.index, -1)
        self.count -= len(freed)
        return freed

    def replace_trip(self, ci: int, i: int, trip: Trip) -> None:
        """Swap trip i of a courier for a checked equivalent with the same orders (re-sequencing)."""
        schedule = self._touch(ci)
        self.cost += trip.cost5 - schedule.trips[i].cost5
        schedule.trips[i] = trip
        schedule.refresh()


def _positions(seq: Sequence[Order], order: Order, max_regions: int) -> list[tuple[Order, ...]]:
    """Every sequence made by inserting `order` into `seq` that keeps each region contiguous."""
    n = len(seq)
    region = order.region
    if any(o.region == region for o in seq):
        first = next(k for k, o in enumerate(seq) if o.region == region)
        last = max(k for k, o in enumerate(seq) if o.region == region)
        spots = range(first, last + 2)
    else:
        if len({o.region for o in seq}) >= max_regions:
            return []
        spots = [0] + [k for k in range(1, n) if seq[k].region != seq[k - 1].region] + [n]
    return [tuple(seq[:k]) + (order,) + tuple(seq[k:]) for k in spots]
