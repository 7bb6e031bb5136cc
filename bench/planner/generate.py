"""Seeded day-planning instances for the planner benchmark.

Instances are plain dicts (the JSON shapes of the Lavka API, with minutes instead of `HH:MM`), so the
independent validator does not share a single type with the planner:
    courier: {"id", "type", "regions", "working_hours": [[start, end], ...], "busy": [[start, end], ...]}
    order:   {"id", "weight", "region", "delivery_hours": [[start, end], ...], "cost"}

Sizes: tiny (<= 12 orders, <= 3 couriers, a short busy morning so couriers' time is scarce), small
(20-60 orders, 3-8 couriers) and city (10,000 orders, 800 couriers, 30 regions, a whole day).
"""
from __future__ import annotations

import random

Instance = tuple[list[dict], list[dict]]

TYPES = ("FOOT", "BIKE", "AUTO")


def _weight(rng: random.Random) -> float:
    """Mostly light parcels, a few heavy ones and a rare one too heavy even for a car."""
    roll = rng.random()
    if roll < 0.65:
        return round(rng.uniform(0.01, 5), 2)
    if roll < 0.85:
        return round(rng.uniform(5, 12), 2)
    if roll < 0.97:
        return round(rng.uniform(12, 30), 2)
    return round(rng.uniform(30, 45), 2)


def _windows(rng: random.Random, day: tuple[int, int], lengths: tuple[int, ...]) -> list[list[int]]:
    """One to three delivery windows inside the day (they may overlap, as clients' input may)."""
    out = []
    for _ in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0]):
        length = rng.choice(lengths)
        start = rng.randrange(day[0], max(day[0] + 1, day[1] - length))
        out.append([start, min(1439, start + length)])
    return out


def _courier(rng: random.Random, cid: int, regions: int, day: tuple[int, int],
             shift: tuple[int, int]) -> dict:
    ctype = rng.choices(TYPES, weights=(5, 3, 2))[0]
    served = [rng.randrange(1, regions + 1) for _ in range(rng.randint(1, 3))]
    hours = []
    for _ in range(rng.choices((1, 2), weights=(3, 1))[0]):
        length = rng.randrange(shift[0], shift[1] + 1)
        start = rng.randrange(day[0], max(day[0] + 1, day[1] - length))
        hours.append([start, min(1439, start + length)])
    busy = []
    if rng.random() < 0.2:
        start, end = hours[0]
        if end - start > 60:
            b = rng.randrange(start, end - 30)
            busy.append([b, b + rng.randint(8, 45)])
    return {"id": cid, "type": ctype, "regions": served, "working_hours": hours, "busy": busy}


def _order(rng: random.Random, oid: int, regions: int, day: tuple[int, int], lengths: tuple[int, ...]) -> dict:
    return {"id": oid, "weight": _weight(rng), "region": rng.randrange(1, regions + 1),
            "delivery_hours": _windows(rng, day, lengths), "cost": rng.randrange(50, 1500)}


def generate(kind: str, seed: int) -> Instance:
    """Build one instance of the given size class ("tiny", "small" or "city") from a seed."""
    rng = random.Random(f"{kind}-{seed}")
    if kind == "tiny":
        n_orders, n_couriers, regions = rng.randint(4, 12), rng.randint(1, 3), rng.randint(1, 3)
        day, shift, lengths = (600, 780), (60, 150), (15, 30, 60, 90)
    elif kind == "small":
        n_orders, n_couriers, regions = rng.randint(20, 60), rng.randint(3, 8), rng.randint(2, 5)
        day, shift, lengths = (540, 900), (90, 300), (20, 30, 60, 90, 120)
    elif kind == "city":
        n_orders, n_couriers, regions = 10_000, 800, 30
        day, shift, lengths = (420, 1380), (180, 540), (30, 60, 90, 120, 180)
    else:
        raise ValueError(kind)
    couriers = [_courier(rng, cid, regions, day, shift) for cid in range(1, n_couriers + 1)]
    orders = [_order(rng, oid, regions, day, lengths) for oid in range(1, n_orders + 1)]
    return couriers, orders
