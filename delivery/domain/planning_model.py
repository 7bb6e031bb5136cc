"""The planner's internal view of couriers, orders and trips (rules: `specs/planning.md`).

Everything here is integer minutes. A trip's timing depends only on its delivery order, so a trip is
summarised by its *shape*: the duration and the set of start minutes `s` at which every order lands
inside one of its windows (rule 6). Where the trip fits in the courier's day (rules 5 and 7) is the
schedule's business (`planning_schedule`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from delivery.domain.courier_types import TypeRules, rules_for

Span = tuple[int, int]
NEVER = 10**9  # beyond any minute of any day; stands for "unbounded"


@dataclass(frozen=True)
class Courier:
    """A courier as the planner sees it: its type's rules and the blocks of time it may work in."""

    index: int
    id: int
    rules: TypeRules
    regions: frozenset[int]
    # Free blocks: working intervals minus busy trips, none containing another, sorted by start (and so
    # by end). A trip must fit inside one block; see `free_blocks` for why this loses nothing.
    blocks: tuple[Span, ...]


@dataclass(frozen=True)
class Order:
    """An order as the planner sees it; windows are merged, sorted, closed spans."""

    index: int
    id: int
    weight: float
    region: int
    windows: tuple[Span, ...]
    cost: int


def merge_windows(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Union of closed spans: a minute inside the union is inside one of the spans, so rule 6 is kept."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def free_blocks(working: Sequence[Span], busy: Sequence[Span], min_length: int) -> tuple[Span, ...]:
    """Cut busy trips out of each working interval and keep the maximal pieces.

    Working intervals are NOT merged: rule 5 puts a whole trip inside one of them. A trip avoiding
    every busy trip and inside working interval w is inside one connected piece of w minus the busy
    interiors. A piece contained in another piece is redundant, so dropping it loses no plan; the
    remaining pieces are sorted by start and end alike, which lets the schedule treat them in order.
    """
    pieces: list[Span] = []
    for w_start, w_end in working:
        cursor = w_start
        for b_start, b_end in sorted(busy):
            if b_end <= cursor or b_start >= w_end:
                continue  # touching is allowed: trips may meet a busy trip end to end
            if b_start > cursor:
                pieces.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if cursor < w_end:
            pieces.append((cursor, w_end))
    pieces = [p for p in pieces if p[1] - p[0] >= min_length]
    pieces.sort(key=lambda p: (p[0], -p[1]))
    kept: list[Span] = []
    for piece in pieces:
        if kept and piece[1] <= kept[-1][1]:
            continue  # contained in a kept piece (same or earlier start, no later end)
        kept.append(piece)
    return tuple(kept)


def make_courier(index: int, cid: int, ctype: str, regions: Sequence[int],
                 working: Sequence[Span], busy: Sequence[Span]) -> Courier:
    """Build the planner's courier; regions may repeat, so they become a set."""
    rules = rules_for(ctype)
    blocks = free_blocks(working, busy, rules.first_order_minutes)
    return Courier(index, cid, rules, frozenset(regions), blocks)


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """Intersection of two sorted lists of disjoint closed spans."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = a[i][0] if a[i][0] > b[j][0] else b[j][0]
        hi = a[i][1] if a[i][1] < b[j][1] else b[j][1]
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def trip_shape(rules: TypeRules, seq: Sequence[Order]) -> tuple[int, list[Span]] | None:
    """Duration and feasible start spans of a trip delivering `seq` in order; None if no start works.

    The caller keeps each region's orders contiguous (rule 3), so consecutive equal regions are exactly
    the "next order in that region" case.
    """
    feasible: list[Span] = [(-NEVER, NEVER)]
    elapsed = 0
    previous = None
    for order in seq:
        elapsed += rules.next_order_minutes if order.region == previous else rules.first_order_minutes
        previous = order.region
        feasible = intersect(feasible, [(a - elapsed, b - elapsed) for a, b in order.windows])
        if not feasible:
            return None
    return elapsed, feasible


def cost5(pay: int, seq: Sequence[Order]) -> int:
    """Five times the trip's delivery cost, an exact integer: C x (5 x first + 4 x the others)."""
    total = sum(o.cost for o in seq)
    return pay * (seq[0].cost + 4 * total)


def first_in(feasible: Sequence[Span], lo: int, hi: int) -> int | None:
    """Earliest minute of `feasible` inside [lo, hi], or None."""
    if lo > hi:
        return None
    for a, b in feasible:
        if b < lo:
            continue
        if a > hi:
            return None
        return a if a > lo else lo
    return None


def last_in(feasible: Sequence[Span], lo: int, hi: int) -> int | None:
    """Latest minute of `feasible` inside [lo, hi], or None."""
    if lo > hi:
        return None
    for a, b in reversed(feasible):
        if a > hi:
            continue
        if b < lo:
            return None
        return b if b < hi else hi
    return None
