"""A plan under construction: which courier carries which order, and the moves that change it.

The central move is *best insertion*: put one order where it raises the plan's cost least, either into
an existing trip (any delivery position that keeps regions contiguous) or as a new single-order trip in
any gap of a courier's day. Every move is checked against the courier's schedule before it is made, so
the plan is valid after every step. Changes can be recorded and undone, which the local search uses.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterator, Sequence

from delivery.domain.planning_model import Courier, Order, Span, trip_shape
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
        for courier in sorted(couriers, key=lambda c: (c.rules.pay, c.id)):
            if courier.blocks:
                for region in courier.regions:
                    self.by_region.setdefault(region, []).append(courier)
        # Exact best insertion costs a scan of every courier of the region; large days prune it.
        self.exhaustive = len(orders) <= 2000
        # Per region: each courier with its weight limit and the minutes it could deliver a lone order
        # ([block start + first order time, block end] for each free block) with their hull.
        self.reach: dict[int, list[tuple[Courier, float, int, int, list[Span]]]] = {}
        for region, serving in self.by_region.items():
            rows = self.reach[region] = []
            for courier in serving:
                first = courier.rules.first_order_minutes
                spans = [(x + first, y) for x, y in courier.blocks]
                rows.append((courier, courier.rules.max_weight, spans[0][0], spans[-1][1], spans))
        self._log: dict[int, list[Trip]] | None = None
        self._single: dict[tuple[int, int], Trip | None] = {}  # single-order trips by (order, type's pay)
        self._log_where: dict[int, int] = {}

    def _serves(self, order: Order) -> Iterator[Courier]:
        """Couriers of the order's region, cheapest type first, that could carry it alone in an empty day.

        An order delivered at minute d inside some trip in block [x, y] could also go alone in that
        block (start d - first, end d), so a courier failing this test can never carry it at all.
        """
        windows = order.windows
        w_lo, w_hi = windows[0][0], windows[-1][1]
        simple = len(windows) == 1
        weight = order.weight
        for courier, max_weight, r_lo, r_hi, spans in self.reach.get(order.region, ()):
            if max_weight < weight or r_lo > w_hi or r_hi < w_lo:
                continue
            # One window against one span: the hull test above was already exact.
            if (simple and len(spans) == 1) or any(
                    (a if a > x else x) <= (b if b < y else y) for a, b in windows for x, y in spans):
                yield courier

    def plannable(self, order: Order) -> bool:
        """Whether some courier could carry the order at all."""
        return next(self._serves(order), None) is not None

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
        """The cheapest valid way to add `order` to the plan, or None when it fits nowhere.

        Couriers are tried cheapest type first. Outside the front position an order adds 4 x pay x its
        cost (x5) wherever it goes, so once an option at most that cheap is found, dearer couriers can
        only win by taking the order first in a trip; on large days (`exhaustive` off) that rare case
        is skipped to keep construction fast.
        """
        best: Insertion | None = None
        for courier in self._serves(order):
            if (not self.exhaustive and best is not None
                    and best[0] <= 4 * courier.rules.pay * order.cost):
                break
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
        # Only trips near the order's windows can take it. Grown trip i delivers the order at some
        # minute d with end_by[i - 1] + next order time <= d <= start_by[i + 1] (see the per-trip test
        # below); both bounds rise with i, so bisecting them gives the trips worth a look.
        n = len(trips)
        step = rules.next_order_minutes
        lo_i = max(0, bisect_left(schedule.start_by, w_lo) - 1)
        hi_i = min(n, bisect_right(schedule.end_by, w_hi - step) + 1)
        # Delivering the order first changes which cost is paid in full; elsewhere it adds 0.8 x its cost.
        pay = rules.pay
        inner_delta = pay * 4 * order.cost
        windows = order.windows
        end_by, start_by = schedule.end_by, schedule.start_by
        max_orders, max_regions, max_weight = rules.max_orders, rules.max_regions, rules.max_weight
        region = order.region
        for i in range(lo_i, hi_i):
            trip = trips[i]
            if (len(trip.seq) >= max_orders or trip.weight + order.weight > max_weight
                    or (region not in trip.regions and len(trip.regions) >= max_regions)):
                continue
            # The grown trip starts after the previous trip ends and ends before the next one starts,
            # and the order is delivered in between; skip the trip if no window meets that gap.
            gap_lo = end_by[i - 1] + step if i > 0 else w_lo
            gap_hi = start_by[i + 1] if i + 1 < n else w_hi
            for a, b in windows:
                if a <= gap_hi and b >= gap_lo:
                    break
            else:
                continue
            old_first = trip.seq[0].cost
            for seq in _positions(trip.seq, order, max_regions):
                delta = inner_delta + pay * (seq[0].cost - old_first)
                if (bound is not None and delta >= bound) or (best is not None and delta >= best[0]):
                    continue
                shape = trip_shape(rules, seq)
                if shape is None or schedule.fit(shape[1], shape[0], i, i + 1) is None:
                    continue
                # Build the trip from the shape just computed rather than timing it again.
                new_trip = Trip(seq, shape[0], tuple(shape[1]), trip.cost5 + delta,
                                sum(o.weight for o in seq), trip.regions | {region})
                best = (delta, courier.index, i, False, new_trip)
        delta = rules.pay * 5 * order.cost
        if (bound is None or delta < bound) and (best is None or delta < best[0]):
            # Types differ in pay, so (order, pay) names the single trip without hashing the rules.
            key = (order.index, rules.pay)
            single = self._single.get(key, False)
            if single is False:
                single = self._single[key] = make_trip(courier, (order,))
            if single is not None:
                f_lo, f_hi = single.feasible[0][0], single.feasible[-1][1]
                first_gap = bisect_left(schedule.start_by, f_lo + single.duration)
                last_gap = bisect_right(schedule.end_by, f_hi)
                duration = single.duration
                for gap in range(first_gap, min(last_gap, n) + 1):
                    # Most gaps of a busy day are shorter than the trip: reject them before `fit`.
                    if gap > 0 and gap < n and start_by[gap] - end_by[gap - 1] < duration:
                        continue
                    if schedule.fit(single.feasible, single.duration, gap, gap) is not None:
                        best = (delta, courier.index, gap, True, single)
                        break
        return best

    def apply(self, order: Order, insertion: Insertion) -> None:
        """Make an insertion found by `best_insertion`."""
        delta, ci, pos, is_new, trip = insertion
        schedule = self._touch(ci)
        if is_new:
            schedule.trips.insert(pos, trip)
        else:
            schedule.trips[pos] = trip
        schedule.update(pos, is_new)
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
    options = [tuple(seq[:k]) + (order,) + tuple(seq[k:]) for k in spots]
    # Only the first order is paid in full, so also try the cheapest order first: its region's orders
    # move to the front of the trip with it leading them (regions stay contiguous).
    cheapest = min(options[0], key=lambda o: o.cost)
    if cheapest is not order and cheapest is not seq[0]:
        block = [o for o in options[0] if o.region == cheapest.region and o is not cheapest]
        others = [o for o in options[0] if o.region != cheapest.region]
        options.append((cheapest, *block, *others))
    return options
