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


def enumerate_trips(courier: dict, orders: list[dict], cap: int) -> dict[tuple[frozenset, int], tuple[int, Spans, list]]:
    """(order ids, first id) -> (duration, start domain, one sequence per merged start span list)."""
    max_w, max_n, max_r, first, nxt, _ = TABLE[courier["type"]]
    regions = set(courier["regions"])
    mine = [o for o in orders if o["region"] in regions and o["weight"] <= max_w]
    day = [(min(a for a, _ in courier["working_hours"]), max(b for _, b in courier["working_hours"]))]
    found: dict[tuple[frozenset, int], tuple[int, Spans, list]] = {}
    counter = [0]

    def dfs(seq: list[dict], weight: float, elapsed: int, feasible: Spans, closed: set) -> None:
        last = seq[-1]["region"] if seq else None
        for o in mine:
            if o in seq or weight + o["weight"] > max_w or len(seq) >= max_n:
                continue
            if o["region"] == last:
                step = nxt
            elif o["region"] in closed or len(closed) + (last is not None) >= max_r:
                continue
            else:
                step = first
            t = elapsed + step
            shifted = _union([(a - t, b - t) for a, b in o["delivery_hours"]])
            f = _intersect(feasible, shifted)
            f = _intersect(f, [(day[0][0], day[0][1] - t)])
            if not f:
                continue
            counter[0] += 1
            if counter[0] > cap:
                raise TooManyTrips
            new_seq = seq + [o]
            key = (frozenset(x["id"] for x in new_seq), new_seq[0]["id"])
            duration, spans, seqs = found.get(key, (t, [], []))
            seqs.append((f, [x["id"] for x in new_seq]))
            found[key] = (duration, _union(spans + f), seqs)
            new_closed = closed | ({last} if last is not None and o["region"] != last else set())
            dfs(new_seq, weight + o["weight"], t, f, new_closed)

    dfs([], 0.0, 0, [(-10**6, 10**6)], set())
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


def solve(couriers: list[dict], orders: list[dict], time_limit: float = 10.0, cap: int = 300_000) -> Result | None:
    """Solve (or bound, when the time runs out) one instance; None when the trips are too many to list."""
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
        for (ids, first_id), (duration, spans, seqs) in options.items():
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
            chosen.append((x, start, courier, duration, seqs))
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
    for x, start, courier, duration, seqs in chosen:
        if solver.Value(x):
            s = solver.Value(start)
            ids = next(seq for f, seq in seqs if any(a <= s <= b for a, b in f))
            plan.append((courier["id"], s, _timed(courier, orders, s, ids)))
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
