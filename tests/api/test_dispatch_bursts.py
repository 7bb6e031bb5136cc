"""Dispatch under bursts on PostgreSQL: 100 posts at once against 30 free couriers of one district,
again and again, through a real gunicorn of four worker processes (as `make run WEB_WORKERS=4`).

Every post gets its contract answer (201 with a courier, or 409 with the contract's detail), never a
500 (once `DeadlockDetected` in the fallback pick); no courier ever holds two live orders. Later
bursts run while the previous burst's orders are being completed, so couriers come free mid-burst
and the pick meets rows locked by completions as well as by other dispatches.
"""
from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from bench.dispatch_bursts import all_at_once
from delivery.models import Order
from tests.helpers import check_invariants, postgres_only

pytestmark = [pytest.mark.postgres, postgres_only]

COURIERS, POSTS, BURSTS = 30, 100, 12
DISTRICT = "Burst"


def test_bursts_of_100_dispatches_at_30_couriers(app, session, gunicorn_four_workers):
    import requests

    local = threading.local()

    def post(path, body=None):
        if not hasattr(local, "http"):
            local.http = requests.Session()
        response = local.http.post(gunicorn_four_workers + path, json=body, timeout=120)
        return path, response.status_code, response.json()

    couriers = {post("/courier/", {"name": f"B{i}", "districts": [DISTRICT]})[2]["id"] for i in range(COURIERS)}
    previous: list[str] = []
    seen: Counter = Counter()
    rng = random.Random(14)
    for burst in range(BURSTS):
        calls = [(lambda n=n: post("/order/", {"name": f"burst {burst}-{n}", "district": DISTRICT}))
                 for n in range(POSTS)]
        calls += [(lambda o=o: post(f"/order/{o}")) for o in previous]
        rng.shuffle(calls)
        results = all_at_once(calls)
        dispatched = [(status, body) for path, status, body in results if path == "/order/"]
        completed = [status for path, status, _ in results if path != "/order/"]
        seen.update(status for status, _ in dispatched)
        assert [s for s, _ in dispatched if s not in (201, 409)] == [], f"burst {burst}: {Counter(s for s, _ in dispatched)}"
        assert completed == [200] * len(previous)
        won = [body for status, body in dispatched if status == 201]
        assert all(body == {"detail": f"No free courier in district {DISTRICT}"}
                   for status, body in dispatched if status == 409)
        assert {body["courier_id"] for body in won} <= couriers
        assert len({body["courier_id"] for body in won}) == len(won)  # nobody got two orders
        if not previous:
            assert len(won) == COURIERS  # every free courier got one, nobody was refused while free
        else:
            # At least the couriers that were free at the start; those completed meanwhile may take more.
            assert len(won) >= COURIERS - len(previous)
        check_invariants(session)
        session.rollback()
        previous = [body["order_id"] for body in won]
    assert seen[201] + seen[409] == POSTS * BURSTS
    live = session.scalar(select(func.count()).select_from(Order).where(Order.status == "assigned"))
    assert live == len(previous)
