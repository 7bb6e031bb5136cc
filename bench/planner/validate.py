"""An independent check of a day plan against `specs/planning.md`, rules 1-7.

Written apart from the planner on purpose: it imports nothing from `delivery`, keeps its own copy of the
courier-type table and recomputes every delivery minute from scratch, so one shared misreading of the
rules cannot hide in both. Plans are plain data: [(courier_id, start, [(order_id, minute), ...]), ...].
"""
from __future__ import annotations

from typing import Iterable

# type: (max weight, max orders, max regions, first order minutes, next order minutes, pay)
TABLE = {
    "FOOT": (10, 2, 1, 25, 10, 2),
    "BIKE": (20, 4, 2, 12, 8, 3),
    "AUTO": (40, 7, 3, 8, 4, 4),
}

PlainTrip = tuple[int, int, list[tuple[int, int]]]


def check(couriers: list[dict], orders: list[dict], plan: Iterable[PlainTrip]) -> list[str]:
    """Return the broken rules, one message each; an empty list means the plan is valid."""
    problems: list[str] = []
    couriers_by_id = {c["id"]: c for c in couriers}
    orders_by_id = {o["id"]: o for o in orders}
    used: dict[int, int] = {}
    per_courier: dict[int, list[tuple[int, int]]] = {}
    for number, (cid, start, stops) in enumerate(plan):
        tag = f"trip #{number} of courier {cid}"
        courier = couriers_by_id.get(cid)
        if courier is None or not stops:
            problems.append(f"{tag}: no such courier or an empty trip")
            continue
        max_w, max_n, max_r, first, nxt, _ = TABLE[courier["type"]]
        if any(oid not in orders_by_id for oid, _ in stops):
            problems.append(f"{tag}: unknown order")
            continue
        items = [orders_by_id[oid] for oid, _ in stops]
        # Rule 1: regions served, each order used once in the whole plan.
        for item in items:
            if item["region"] not in set(courier["regions"]):
                problems.append(f"{tag}: region {item['region']} not served")
            used[item["id"]] = used.get(item["id"], 0) + 1
        # Rule 2: capacities.
        if sum(item["weight"] for item in items) > max_w + 1e-9:
            problems.append(f"{tag}: weight over {max_w}")
        if len(items) > max_n:
            problems.append(f"{tag}: more than {max_n} orders")
        regions = [item["region"] for item in items]
        if len(set(regions)) > max_r:
            problems.append(f"{tag}: more than {max_r} regions")
        # Rule 3: a region's orders are consecutive.
        entered = [r for k, r in enumerate(regions) if k == 0 or regions[k - 1] != r]
        if len(entered) != len(set(entered)):
            problems.append(f"{tag}: a region is entered twice")
        # Rules 4 and 6: delivery minutes and windows.
        clock = start
        for k, ((oid, minute), item) in enumerate(zip(stops, items)):
            clock += nxt if k > 0 and regions[k - 1] == regions[k] else first
            if minute != clock:
                problems.append(f"{tag}: order {oid} at {minute}, expected {clock}")
            if not any(lo <= clock <= hi for lo, hi in item["delivery_hours"]):
                problems.append(f"{tag}: order {oid} at {clock} outside its delivery hours")
        # Rule 5: the trip inside one working interval.
        if not any(lo <= start and clock <= hi for lo, hi in courier["working_hours"]):
            problems.append(f"{tag}: [{start}, {clock}] outside every working interval")
        per_courier.setdefault(cid, []).append((start, clock))
    for oid, times in used.items():
        if times > 1:
            problems.append(f"order {oid} planned {times} times")
    # Rule 7: no overlap between a courier's trips, nor with trips planned before (busy).
    for cid, spans in per_courier.items():
        spans.sort()
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            if s2 < e1:
                problems.append(f"courier {cid}: [{s1}, {e1}] and [{s2}, {e2}] overlap")
        for s, e in spans:
            for bs, be in couriers_by_id[cid].get("busy", []):
                if s < be and bs < e:
                    problems.append(f"courier {cid}: [{s}, {e}] overlaps busy [{bs}, {be}]")
    return problems


def cost(couriers: list[dict], orders: list[dict], plan: Iterable[PlainTrip]) -> float:
    """Total delivery cost: per trip C x (first order's cost + 0.8 x the rest)."""
    pay = {c["id"]: TABLE[c["type"]][5] for c in couriers}
    price = {o["id"]: o["cost"] for o in orders}
    total = 0.0
    for cid, _, stops in plan:
        costs = [price[oid] for oid, _ in stops]
        total += pay[cid] * (costs[0] + 0.8 * sum(costs[1:]))
    return total
