"""One courier's day: an ordered list of trips and the question "does this trip still fit?".

Trips are kept in time order. Scheduling them as early as possible from the left gives, for every
prefix, the earliest minute it can end (and the lowest free block it needs); scheduling them as late
as possible from the right gives, for every suffix, the latest minute it can start. A trip fits between
a prefix and a suffix iff one of its feasible starts lies in that gap, so insertions and changes are
checked in O(blocks) without re-timing the whole day; the arrays are refreshed after each change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from delivery.domain.planning_model import NEVER, Courier, Order, Span, cost5, first_in, last_in, trip_shape


@dataclass(frozen=True)
class Trip:
    """An immutable trip: orders in delivery order, its shape and its cost (x5). Changes make new trips."""

    seq: tuple[Order, ...]
    duration: int
    feasible: tuple[Span, ...]
    cost5: int
    weight: float
    regions: frozenset[int]


def make_trip(courier: Courier, seq: Sequence[Order]) -> Trip | None:
    """Build a trip if its orders' windows admit some start; capacities are the caller's concern."""
    shape = trip_shape(courier.rules, seq)
    if shape is None:
        return None
    duration, feasible = shape
    return Trip(tuple(seq), duration, tuple(feasible), cost5(courier.rules.pay, seq),
                sum(o.weight for o in seq), frozenset(o.region for o in seq))


class Schedule:
    """The trips of one courier, with the prefix/suffix bounds that make fit checks cheap."""

    __slots__ = ("courier", "trips", "end_by", "end_block", "start_by", "start_block")

    def __init__(self, courier: Courier) -> None:
        self.courier = courier
        self.trips: list[Trip] = []
        self.refresh()

    def refresh(self) -> None:
        """Recompute earliest prefix ends and latest suffix starts after the trip list changed."""
        blocks = self.courier.blocks
        n = len(self.trips)
        self.end_by = [0] * n
        self.end_block = [0] * n
        self.start_by = [0] * n
        self.start_block = [0] * n
        t, b = -NEVER, 0
        for i, trip in enumerate(self.trips):
            placed = _earliest(blocks, trip, t, b)
            assert placed is not None, "schedule invariant broken"
            s, b = placed
            t = s + trip.duration
            self.end_by[i], self.end_block[i] = t, b
        t, b = NEVER, len(blocks) - 1
        for i in range(n - 1, -1, -1):
            trip = self.trips[i]
            placed = _latest(blocks, trip, t, b)
            assert placed is not None, "schedule invariant broken"
            t, b = placed
            self.start_by[i], self.start_block[i] = t, b

    def update(self, pos: int, inserted: bool) -> None:
        """Refresh the bounds after trip `pos` was inserted or replaced, touching only what moved.

        Trips before `pos` keep their earliest ends and trips after it their latest starts. Going
        right from `pos`, once a trip's earliest end comes out as before, every later one does too
        (each depends only on its predecessor); the same holds for latest starts going left.
        """
        blocks = self.courier.blocks
        trips = self.trips
        n = len(trips)
        end_by, end_block, start_by, start_block = self.end_by, self.end_block, self.start_by, self.start_block
        if inserted:
            for bounds in (end_by, end_block, start_by, start_block):
                bounds.insert(pos, 0)
        t, b = (end_by[pos - 1], end_block[pos - 1]) if pos > 0 else (-NEVER, 0)
        for i in range(pos, n):
            placed = _earliest(blocks, trips[i], t, b)
            assert placed is not None, "schedule invariant broken"
            s, b = placed
            t = s + trips[i].duration
            if i > pos and end_by[i] == t and end_block[i] == b:
                break
            end_by[i], end_block[i] = t, b
        t, b = (start_by[pos + 1], start_block[pos + 1]) if pos + 1 < n else (NEVER, len(blocks) - 1)
        for i in range(pos, -1, -1):
            placed = _latest(blocks, trips[i], t, b)
            assert placed is not None, "schedule invariant broken"
            t, b = placed
            if i < pos and start_by[i] == t and start_block[i] == b:
                break
            start_by[i], start_block[i] = t, b

    def fit(self, feasible: Sequence[Span], duration: int, p: int, q: int) -> int | None:
        """Earliest start for a trip placed after trips[:p] and before trips[q:], or None.

        p == q asks about a new trip in gap p; q == p + 1 asks about replacing trip p.
        """
        blocks = self.courier.blocks
        if p > 0:
            t, b0 = self.end_by[p - 1], self.end_block[p - 1]
        else:
            t, b0 = -NEVER, 0
        if q < len(self.trips):
            limit, b1 = self.start_by[q], self.start_block[q]
        else:
            limit, b1 = NEVER, len(blocks) - 1
        if feasible[0][0] > limit - duration or feasible[-1][1] < t:
            return None
        for b in range(b0, b1 + 1):
            x, y = blocks[b]
            lo = t if t > x else x
            hi = (limit if limit < y else y) - duration
            if lo <= hi:
                s = first_in(feasible, lo, hi)
                if s is not None:
                    return s
        return None

    def starts(self) -> list[int]:
        """Start minutes of the trips, each as early as possible."""
        out = []
        t, b = -NEVER, 0
        for trip in self.trips:
            placed = _earliest(self.courier.blocks, trip, t, b)
            assert placed is not None
            s, b = placed
            out.append(s)
            t = s + trip.duration
        return out


def _earliest(blocks: Sequence[Span], trip: Trip, t: int, b: int) -> tuple[int, int] | None:
    """Earliest start >= t in block >= b. The first block that admits the trip gives the earliest start,
    because blocks are sorted by start and end with none containing another."""
    for k in range(b, len(blocks)):
        x, y = blocks[k]
        s = first_in(trip.feasible, t if t > x else x, y - trip.duration)
        if s is not None:
            return s, k
    return None


def _latest(blocks: Sequence[Span], trip: Trip, limit: int, b: int) -> tuple[int, int] | None:
    """Latest start with the trip ending by `limit` in block <= b (mirror of `_earliest`)."""
    for k in range(b, -1, -1):
        x, y = blocks[k]
        s = last_in(trip.feasible, x, (limit if limit < y else y) - trip.duration)
        if s is not None:
            return s, k
    return None
