"""Planner benchmark: quality against the exact optimum / a bound, and speed on a city-sized day.

Run from the repository root with OR-Tools installed (`pip install -r bench/requirements.txt`):
    python -m bench.planner.report [--tiny 30] [--small 10] [--no-city]
Every plan, the planner's and the solver's, is checked by the independent validator in `validate.py`.
Reference column: o = proven optimum, b = solver bound (time ran out), t = trivial bound (orders some
courier could carry alone; used when the trips are too many to list).
"""
from __future__ import annotations

import argparse
import sys
import time

from bench.planner import exact
from bench.planner.generate import generate
from bench.planner.validate import check, cost
from delivery.domain.planner import CourierIn, OrderIn, plan


def to_inputs(couriers: list[dict], orders: list[dict]) -> tuple[list[CourierIn], list[OrderIn]]:
    """Plain instance -> the planner's input types."""
    return ([CourierIn(c["id"], c["type"], tuple(c["regions"]), tuple(map(tuple, c["working_hours"])),
                       tuple(map(tuple, c["busy"]))) for c in couriers],
            [OrderIn(o["id"], o["weight"], o["region"], tuple(map(tuple, o["delivery_hours"])), o["cost"])
             for o in orders])


def run_planner(couriers: list[dict], orders: list[dict]) -> tuple[list, float]:
    """Plan with default settings; return the plan as plain data and the wall time."""
    cs, os_ = to_inputs(couriers, orders)
    started = time.perf_counter()
    trips = plan(cs, os_)
    elapsed = time.perf_counter() - started
    return [(t.courier_id, t.start, list(t.orders)) for t in trips], elapsed


def compare(kind: str, seeds: range, solver_seconds: float) -> tuple[int, int, float, float, int]:
    """Plan and solve each seed; print one row each; return totals for the summary."""
    got_total = ref_total = 0
    got_cost = ref_cost = 0.0
    invalid = 0
    for seed in seeds:
        couriers, orders = generate(kind, seed)
        mine, elapsed = run_planner(couriers, orders)
        problems = check(couriers, orders, mine)
        invalid += bool(problems)
        result = exact.solve(couriers, orders, time_limit=solver_seconds, hint=mine)
        delivered = sum(len(stops) for _, _, stops in mine)
        my_cost = cost(couriers, orders, mine)
        if result is None:
            # Too many trips to list: fall back to the trivial count bound, no cost reference.
            ref = exact.plannable_alone(couriers, orders)
            got_total += delivered
            ref_total += ref
            print(f"{kind:5} {seed:3} {len(orders):5} {len(couriers):3} {delivered:5} {ref:5}t {my_cost:10.1f}"
                  f"          -  {elapsed:6.2f}  {'INVALID' if problems else 'ok'} (trivial bound)")
            continue
        if result.plan and check(couriers, orders, result.plan):
            print(f"  solver plan invalid: {check(couriers, orders, result.plan)[:2]}")
        ref = result.delivered if result.optimal else result.delivered_bound
        ref_c = result.cost if result.optimal else result.cost_bound
        tag = "opt" if result.optimal else "bnd"
        trivial = exact.plannable_alone(couriers, orders)
        if ref > trivial:
            # The solver stopped before its bound got below the trivial one (it is then a bound on the
            # objective, not on the count): compare the count with the trivial bound and leave cost out.
            ref, ref_c, tag = trivial, float("nan"), "trivial"
        got_total += delivered
        ref_total += ref
        if delivered == ref and tag != "trivial":
            got_cost += my_cost
            ref_cost += ref_c
        print(f"{kind:5} {seed:3} {len(orders):5} {len(couriers):3} {delivered:5} {ref:5}{tag[0]} {my_cost:10.1f}"
              f" {ref_c:10.1f}  {elapsed:6.2f}  {'INVALID ' + problems[0] if problems else 'ok'}")
    return got_total, ref_total, got_cost, ref_cost, invalid


def main(argv: list[str] | None = None) -> int:
    """Print the table and the one-line summary; exit 1 if any plan is invalid."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", type=int, default=30)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--no-city", action="store_true")
    args = parser.parse_args(argv)
    print("kind  seed orders cour  got   ref     cost      ref cost   secs   check")
    tiny = compare("tiny", range(args.tiny), 20.0)
    small = compare("small", range(args.small), 20.0)
    invalid = tiny[4] + small[4]
    parts = []
    for name, (got, ref, c_got, c_ref, _), what in (("tiny", tiny, ""), ("small", small, " (vs bound)")):
        ratio = got / ref if ref else 1.0
        c_ratio = c_got / c_ref if c_ref else 1.0
        parts.append(f"{name} delivered {ratio:.3f} cost {c_ratio:.3f}{what}")
    if not args.no_city:
        couriers, orders = generate("city", 0)
        mine, elapsed = run_planner(couriers, orders)
        problems = check(couriers, orders, mine)
        invalid += bool(problems)
        delivered = sum(len(stops) for _, _, stops in mine)
        print(f"city  {len(orders)} orders {len(couriers)} couriers: delivered {delivered}, "
              f"cost {cost(couriers, orders, mine):.1f}, {elapsed:.2f} s, {'INVALID' if problems else 'ok'}")
        parts.append(f"city {len(orders)} orders {len(couriers)} couriers planned in {elapsed:.2f} s, "
                     f"delivered {delivered}")
    print("planner: " + " | ".join(parts) + (f" | {invalid} INVALID plans" if invalid else ""))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
