"""Exact optimum (tiny days) and an upper bound (small days) with OR-Tools CP-SAT. Bench only.

Model: enumerate every feasible trip of every courier by depth-first search over delivery sequences
(region-contiguous, within capacity, every window reachable from some start). Sequences with the same
orders and the same first order have the same duration and cost, so they merge into one *option* whose
start domain is the union of their feasible starts, cut to each working interval (rule 5). Each option is
an optional fixed-size interval; a courier's options and busy trips go into one NoOverlap (rule 7; CP-SAT
intervals are half-open, so trips may touch). Each order is in at most one chosen option. The objective
maximises BIG x delivered - 10 x cost, i.e. delivered first, then cost (x10 keeps the 0.8 exact).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from bench.planner.validate import TABLE

Spans = list[tuple[int, int]]


def _intersect(a: Spans, b: Spans) -> Spans:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _union(spans: Spans) -> Spans:
    out: Spans = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


class TooManyTrips(Exception):
    """The trip enumeration would not fit the budget; the instance is too big for this model."""


def enumerate_trips(courier: dict, orders: list[dict], cap: int) -> dict[tuple[frozenset, int], tuple[int, Spans]]:
    """(order ids, first id) -> (duration, feasible starts) for every trip the courier could make.

    Built level by level over sets rather than sequences: how a partial trip can be extended depends only
    on its set of orders (weight, elapsed time, regions already left), its first order (cost) and its
    current region, and extending distributes over a union of start spans. So sequences agreeing on those
    three merge exactly, with the union of their feasible starts.
    """
    max_w, max_n, max_r, first, nxt, _ = TABLE[courier["type"]]
    regions = set(courier["regions"])
    mine = [o for o in orders if o["region"] in regions and o["weight"] <= max_w]
    day = (min(a for a, _ in courier["working_hours"]), max(b for _, b in courier["working_hours"]))
    shifted = {o["id"]: _union(list(map(tuple, o["delivery_hours"]))) for o in mine}
    found: dict[tuple[frozenset, int], tuple[int, Spans]] = {}
    # state: (ids, first id, current region) -> (elapsed, weight, regions left, feasible starts)
    level: dict = {(frozenset(), -1, None): (0, 0.0, frozenset(), [(-10**6, 10**6)])}
    for _ in range(max_n):
        following: dict = {}
        for (ids, first_id, last), (elapsed, weight, closed, feasible) in level.items():
            for o in mine:
                if o["id"] in ids or weight + o["weight"] > max_w:
                    continue
                if o["region"] == last:
                    step, new_closed = nxt, closed
                elif o["region"] in closed or len(closed) + (last is not None) >= max_r:
                    continue
                else:
                    step, new_closed = first, closed | ({last} if last is not None else set())
                t = elapsed + step
                f = _intersect(feasible, [(a - t, b - t) for a, b in shifted[o["id"]]])
                f = _intersect(f, [(day[0], day[1] - t)])
                if not f:
                    continue
                key = (ids | {o["id"]}, o["id"] if first_id < 0 else first_id, o["region"])
                if key in following:
                    following[key] = (t, following[key][1], new_closed, _union(following[key][3] + f))
                else:
                    following[key] = (t, weight + o["weight"], new_closed, f)
                    if len(following) + len(found) > cap:
                        raise TooManyTrips
        for (ids, first_id, _), (t, _, _, f) in following.items():
            duration, spans = found.get((ids, first_id), (t, []))
            found[(ids, first_id)] = (duration, _union(spans + f))
        level = following
        if not level:
            break
    return found


def sequence_for(courier: dict, orders: list[dict], ids: frozenset, first_id: int, start: int) -> list[int]:
    """Find a delivery order of `ids`, starting with `first_id`, that is on time when started at `start`."""
    _, _, _, first, nxt, _ = TABLE[courier["type"]]
    by_id = {o["id"]: o for o in orders}

    def extend(seq: list[int], clock: int, left: set, closed: set) -> list[int] | None:
        if not left:
            return seq
        last = by_id[seq[-1]]["region"]
        for oid in sorted(left):
            region = by_id[oid]["region"]
            if region != last and region in closed:
                continue
            t = clock + (nxt if region == last else first)
            if any(a <= t <= b for a, b in by_id[oid]["delivery_hours"]):
                done = extend(seq + [oid], t, left - {oid}, closed | ({last} if region != last else set()))
                if done:
                    return done
        return None

    t0 = start + first
    assert any(a <= t0 <= b for a, b in by_id[first_id]["delivery_hours"])
    found = extend([first_id], t0, set(ids) - {first_id}, set())
    assert found is not None, "the model promised a feasible sequence"
    return found


@dataclass
class Result:
    """What the solver proved: a plan, its count and cost, and upper/lower bounds."""

    optimal: bool
    delivered: int
    cost: float
    delivered_bound: int  # no plan delivers more
    cost_bound: float  # no plan delivering `delivered_bound` orders costs less
    plan: list  # [(courier_id, start, [(order_id, minute), ...])]


def solve(couriers: list[dict], orders: list[dict], time_limit: float = 10.0, cap: int = 400_000,
          hint: list | None = None) -> Result | None:
    """Solve (or bound, when the time runs out) one instance; None when the trips are too many to list.

    `hint` (a plan as plain data, e.g. the planner's) is given to the solver as a starting solution.
    """
    hinted = {(cid, frozenset(oid for oid, _ in stops), stops[0][0]): start for cid, start, stops in (hint or [])}
    model = cp_model.CpModel()
    big = 10 * 4 * sum(o["cost"] for o in orders) + 1
    by_order: dict[int, list] = {o["id"]: [] for o in orders}
    price = {o["id"]: o["cost"] for o in orders}
    chosen = []
    objective = []
    budget = cap
    for courier in couriers:
        try:
            options = enumerate_trips(courier, orders, budget)
        except TooManyTrips:
            return None
        budget -= len(options)
        pay = TABLE[courier["type"]][5]
        intervals = [model.NewFixedSizeIntervalVar(a, b - a, "busy") for a, b in courier.get("busy", [])]
        for (ids, first_id), (duration, spans) in options.items():
            domain = []
            for lo, hi in courier["working_hours"]:
                domain += _intersect(spans, [(lo, hi - duration)])
            domain = _union(domain)
            if not domain:
                continue
            x = model.NewBoolVar("x")
            start = model.NewIntVarFromDomain(cp_model.Domain.FromIntervals([list(d) for d in domain]), "s")
            intervals.append(model.NewOptionalFixedSizeIntervalVar(start, duration, x, "trip"))
            for oid in ids:
                by_order[oid].append(x)
            cost10 = pay * (10 * price[first_id] + 8 * (sum(price[i] for i in ids) - price[first_id]))
            objective.append(x * (big * len(ids) - cost10))
            chosen.append((x, start, courier, ids, first_id))
            key = (courier["id"], ids, first_id)
            model.AddHint(x, key in hinted)
            if key in hinted:
                model.AddHint(start, hinted[key])
        if len(intervals) > 1:
            model.AddNoOverlap(intervals)
    for xs in by_order.values():
        if len(xs) > 1:
            model.AddAtMostOne(xs)
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    value = round(solver.ObjectiveValue())
    bound = math.floor(solver.BestObjectiveBound() + 1e-6)
    delivered = -(-value // big) if value > 0 else 0
    delivered_bound = -(-bound // big) if bound > 0 else 0
    plan = []
    for x, start, courier, ids, first_id in chosen:
        if solver.Value(x):
            s = solver.Value(start)
            seq = sequence_for(courier, orders, ids, first_id, s)
            plan.append((courier["id"], s, _timed(courier, orders, s, seq)))
    return Result(status == cp_model.OPTIMAL, delivered, (big * delivered - value) / 10,
                  delivered_bound, max(0, big * delivered_bound - bound) / 10, plan)


def _timed(courier: dict, orders: list[dict], start: int, ids: list[int]) -> list[tuple[int, int]]:
    """Delivery minutes of a sequence started at `start` (rule 4)."""
    _, _, _, first, nxt, _ = TABLE[courier["type"]]
    region = {o["id"]: o["region"] for o in orders}
    out, clock, last = [], start, None
    for oid in ids:
        clock += nxt if region[oid] == last else first
        last = region[oid]
        out.append((oid, clock))
    return out


def plannable_alone(couriers: list[dict], orders: list[dict]) -> int:
    """How many orders some courier could deliver in a one-order trip: a trivial bound on the count."""
    total = 0
    for o in orders:
        for c in couriers:
            max_w, _, _, first, _, _ = TABLE[c["type"]]
            if o["region"] in set(c["regions"]) and o["weight"] <= max_w and any(
                    max(lo + first, a) <= min(hi, b) for lo, hi in c["working_hours"] for a, b in o["delivery_hours"]):
                total += 1
                break
    return total
