"""How the planner searches: a greedy construction, then ruin-and-recreate within the time limit.

Construction inserts orders most urgent first, each at its cheapest valid place (`Plan.best_insertion`),
so cheap couriers and cheap grouping win whenever they are possible. Improvement repeatedly removes a
few related orders (same region and time, or whole trips of one courier), puts them and the unassigned
orders of those regions back greedily in a random order, and keeps the result unless it delivers fewer
orders or, delivering as many, costs more. Ties are kept so the search can drift across plateaus.
Randomness is seeded from the input, so the same input gives the same plan unless the clock cuts in.
"""
from __future__ import annotations

import random
import time
import zlib

from delivery.domain.planning_model import Order
from delivery.domain.planning_search import Plan

STALL_ITERATIONS = 1500  # give up after this many attempts without a strictly better plan


def construct(state: Plan) -> None:
    """Insert every plannable order, earliest deadline first (urgent orders have the fewest options)."""
    state.candidates = [o for o in state.orders if state.plannable(o)]
    for order in sorted(state.candidates, key=lambda o: (o.windows[0][1], o.windows[-1][1], -o.cost, o.id)):
        state.insert(order)


def improve(state: Plan, deadline: float) -> None:
    """Ruin and recreate until the deadline or until the search stalls."""
    candidates: list[Order] = state.candidates
    if not candidates:
        return
    seed = zlib.crc32(repr([(o.id, o.region, o.cost) for o in candidates[:200]]).encode())
    rng = random.Random(seed ^ len(candidates))
    by_region: dict[int, list[Order]] = {}
    for order in candidates:
        by_region.setdefault(order.region, []).append(order)
    stall = 0
    while stall < STALL_ITERATIONS and time.perf_counter() < deadline:
        stall += 1
        before = (state.count, -state.cost)
        state.begin()
        freed = _ruin(state, rng, candidates, by_region)
        if not freed:
            state.rollback()
            continue
        regions = {o.region for o in freed}
        pool = list(freed)
        for region in regions:
            pool.extend(o for o in by_region[region] if state.where[o.index] < 0 and o not in freed)
        _recreate(state, pool, rng)
        after = (state.count, -state.cost)
        if after < before:
            state.rollback()
        else:
            state.commit()
            if after > before:
                stall = 0


def _ruin(state: Plan, rng: random.Random, candidates: list[Order], by_region: dict[int, list[Order]]) -> list[Order]:
    """Remove a few related orders; return all orders that became unassigned."""
    seed = candidates[rng.randrange(len(candidates))]
    freed: list[Order] = []
    if rng.random() < 0.3:
        # Dissolve one or two trips of a courier that could carry the seed order.
        couriers = [c for c in state.by_region.get(seed.region, ()) if state.schedules[c.index].trips]
        if not couriers:
            return []
        schedule = state.schedules[rng.choice(couriers).index]
        for _ in range(rng.randint(1, 2)):
            if schedule.trips:
                trip = schedule.trips[rng.randrange(len(schedule.trips))]
                for order in trip.seq:
                    if state.where[order.index] >= 0:
                        freed.extend(state.remove(order))
        return freed
    # Remove orders whose windows are close to the seed's: of its region mostly, sometimes of every
    # region its couriers serve (moving an order between couriers can need room made in another region).
    centre = (seed.windows[0][0] + seed.windows[-1][1]) // 2
    if state.exhaustive and rng.random() < 0.3:
        regions = {r for c in state.by_region.get(seed.region, ()) for r in c.regions}
        pool = [o for r in regions for o in by_region.get(r, ())]
    else:
        pool = by_region[seed.region]
    near = sorted(pool, key=lambda o: abs((o.windows[0][0] + o.windows[-1][1]) // 2 - centre)
                  + rng.randrange(60))
    wanted = rng.randint(1, 6)
    for order in near[: wanted * 2]:
        if state.where[order.index] >= 0 and len(freed) < wanted:
            freed.extend(state.remove(order))
    return freed


def _recreate(state: Plan, pool: list[Order], rng: random.Random) -> None:
    """Insert the pool greedily in one of a few orders, randomised to escape ties."""
    mode = rng.randrange(3)
    if mode == 0:
        rng.shuffle(pool)
    elif mode == 1:
        pool.sort(key=lambda o: (o.windows[-1][1] + rng.randrange(30), o.id))
    else:
        pool.sort(key=lambda o: (-o.cost * (0.8 + 0.4 * rng.random()), o.id))
    for order in pool:
        if state.where[order.index] < 0:
            state.insert(order)
