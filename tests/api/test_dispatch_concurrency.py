"""Dispatch under concurrency: many posts at once never double-book a courier and never refuse an
order while a fitting courier is free; concurrent completions give one 200 and one 409.

Threads drive the Flask test client on both databases; on PostgreSQL a real gunicorn with two worker
processes is driven too, and with Redis a real Huey consumer refreshes the statistics.
"""
from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from delivery.models import Courier, Order
from tests.helpers import check_invariants, client_post, postgres_only, redis_only, run_at_once

LAYOUT = {"A": 8, "B": 7, "C": 5}  # 20 couriers in 3 districts, one district each
WORKERS = 20  # below the connection pool (10 + 20 overflow) of one app




def register_layout(post):
    """Register the couriers district by district; returns {district: [courier ids in order]}."""
    couriers = {}
    for district, count in LAYOUT.items():
        couriers[district] = [
            post("/courier/", {"name": f"{district}{i}", "districts": [district]})[1]["id"]
            for i in range(count)
        ]
    return couriers


def order_posts(post, plan):
    """The posts of `plan` ({district: how many}), shuffled; each returns (district, status, body)."""
    districts = [d for d, n in plan.items() for _ in range(n)]
    random.Random(7).shuffle(districts)
    return [
        (lambda d=d, i=i: (d, *post("/order/", {"name": f"order {i}", "district": d})))
        for i, d in enumerate(districts)
    ]


def check_dispatch(results, couriers, plan):
    """Exactly min(posts, free couriers) per district succeed, each courier at most once."""
    won = Counter(d for d, status, _ in results if status == 201)
    assert {d: won[d] for d in plan} == {d: min(n, len(couriers[d])) for d, n in plan.items()}
    assert [r for r in results if r[1] not in (201, 409)] == []
    for district, status, body in results:
        if status == 201:
            assert body["courier_id"] in couriers[district]
        else:
            assert body == {"detail": f"No free courier in district {district}"}
    taken = [body["courier_id"] for _, status, body in results if status == 201]
    assert len(taken) == len(set(taken))
    return taken




@pytest.mark.parametrize(
    "plan", [{"A": 40, "B": 30, "C": 30}, {"A": 5, "B": 30, "C": 65}], ids=["all-taken", "some-left"]
)
def test_100_concurrent_posts(app, session, plan):
    post = client_post(app)
    couriers = register_layout(post)
    results = run_at_once(order_posts(post, plan))
    check_dispatch(results, couriers, plan)
    if plan["A"] < LAYOUT["A"]:
        # Fairness holds across concurrent posts too: the longest free (first registered) are taken.
        taken = {body["courier_id"] for d, status, body in results if d == "A" and status == 201}
        assert taken == set(couriers["A"][: plan["A"]])
    assert session.scalar(select(func.count()).select_from(Order)) == sum(
        min(n, LAYOUT[d]) for d, n in plan.items())
    check_invariants(session)


def test_concurrent_completions_one_wins(app, session):
    post = client_post(app)
    register_layout(post)
    orders = [post("/order/", {"name": f"o{i}", "district": d})[1]["order_id"]
              for i, d in enumerate(d for d, n in LAYOUT.items() for _ in range(n))]
    calls = [(lambda o=o: (o, *post(f"/order/{o}"))) for o in orders for _ in range(2)]
    random.Random(3).shuffle(calls)
    results = run_at_once(calls)
    for order in orders:
        statuses = sorted(status for o, status, _ in results if o == order)
        assert statuses == [200, 409]
    assert all(body == {"detail": "Order already completed"} for _, s, body in results if s == 409)
    check_invariants(session)
    assert session.scalar(select(func.count()).select_from(Courier).where(
        Courier.active_order_id.is_(None))) == 20


def test_churn_keeps_every_invariant(app, session):
    post = client_post(app)
    register_layout(post)

    def courier_day(seed):
        rng = random.Random(seed)
        outcomes = []
        for i in range(6):
            status, body = post("/order/", {"name": f"{seed}-{i}", "district": rng.choice("ABC")})
            outcomes.append(status)
            if status == 201:
                assert post(f"/order/{body['order_id']}")[0] == 200
        return outcomes

    results = run_at_once([(lambda s=s: courier_day(s)) for s in range(WORKERS)])
    assert sum(s == 201 for r in results for s in r) > 0
    check_invariants(session)
    assert session.scalar(select(func.count()).select_from(Order).where(Order.status != "completed")) == 0


def test_concurrent_registrations_share_new_districts(app, session):
    from delivery.models import District

    post = client_post(app)
    calls = [(lambda i=i: post("/courier/", {"name": f"c{i}", "districts": [f"D{i % 3}", "Shared"]}))
             for i in range(WORKERS)]
    results = run_at_once(calls)
    assert [status for status, _ in results] == [201] * WORKERS
    assert sorted(session.scalars(select(District.name))) == ["D0", "D1", "D2", "Shared"]
    assert len({body["id"] for _, body in results}) == WORKERS


# --- a real server: two gunicorn worker processes on PostgreSQL -------------------------------------


def http_post(base_url):
    import requests

    local = threading.local()

    def post(path, body=None):
        if not hasattr(local, "http"):
            local.http = requests.Session()
        response = local.http.post(base_url + path, json=body, timeout=60)
        return response.status_code, response.json()
    return post


@pytest.mark.postgres
@postgres_only
def test_100_concurrent_posts_against_gunicorn(app, session, gunicorn_url):
    post = http_post(gunicorn_url)
    couriers = register_layout(post)
    plan = {"A": 40, "B": 30, "C": 30}
    check_dispatch(run_at_once(order_posts(post, plan)), couriers, plan)
    check_invariants(session)


@pytest.mark.postgres
@postgres_only
def test_concurrent_completions_against_gunicorn(app, session, gunicorn_url):
    post = http_post(gunicorn_url)
    register_layout(post)
    orders = [post("/order/", {"name": "o", "district": d})[1]["order_id"]
              for d, n in LAYOUT.items() for _ in range(n)]
    results = run_at_once([(lambda o=o: (o, *post(f"/order/{o}/"))) for o in orders for _ in range(2)])
    for order in orders:
        assert sorted(s for o, s, _ in results if o == order) == [200, 409]
    check_invariants(session)


@pytest.mark.postgres
@pytest.mark.redis
@postgres_only
@redis_only
def test_huey_consumer_refreshes_stats_after_completion(app, session, gunicorn_url, huey_consumer):
    post = http_post(gunicorn_url)
    courier = post("/courier/", {"name": "Ann", "districts": ["A"]})[1]
    order = post("/order/", {"name": "Soup", "district": "A"})[1]
    status, done = post(f"/order/{order['order_id']}")
    assert status == 200
    courier_uuid = uuid.UUID(courier["id"])
    for _ in range(300):  # bounded wait (up to ~30 s) for the consumer to run the queued task
        session.expire_all()
        row = session.scalar(select(Courier).where(Courier.uuid == courier_uuid))
        if row.stats_as_of is not None:
            break
        session.rollback()
        time.sleep(0.1)
    completed = session.scalar(select(Order.completed_at).where(Order.uuid == uuid.UUID(order["order_id"])))
    assert row.stats_as_of == completed
    assert row.avg_day_orders == 1 and row.avg_complete_seconds is not None
    assert row.stats_computed_at is not None


@pytest.mark.postgres
@postgres_only
def test_dispatch_waits_for_a_free_courier_locked_by_someone_else(app, session, base_config):
    """A row lock that leaves the courier free (a statistics refresh) must not turn into a 409."""
    from sqlalchemy import create_engine, text

    post = client_post(app)
    ann = post("/courier/", {"name": "Ann", "districts": ["A"]})[1]
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as other:
            other.execute(text("UPDATE couriers SET avg_day_orders = 0 WHERE id = 1"))  # lock held
            with ThreadPoolExecutor(1) as pool:
                pending = pool.submit(post, "/order/", {"name": "Soup", "district": "A"})
                time.sleep(0.5)  # let the post reach the locked row; correctness does not hang on it
                other.commit()
                status, body = pending.result(timeout=60)
    finally:
        engine.dispose()
    assert status == 201 and body["courier_id"] == ann["id"]


@pytest.mark.postgres
@pytest.mark.redis
@postgres_only
@redis_only
def test_card_is_fresh_while_the_refresh_task_never_runs(app, session, gunicorn_url):
    """No consumer at all (as after one killed with SIGKILL): the card still covers the completion."""
    import requests

    post = http_post(gunicorn_url)
    courier = post("/courier/", {"name": "Ann", "districts": ["A"]})[1]
    order = post("/order/", {"name": "Soup", "district": "A"})[1]
    assert post(f"/order/{order['order_id']}")[0] == 200
    session.expire_all()
    row = session.scalar(select(Courier).where(Courier.uuid == uuid.UUID(courier["id"])))
    assert row.stats_as_of is None  # the task waits in Redis
    card = requests.get(f"{gunicorn_url}/courier/{courier['id']}", timeout=30).json()
    assert card["avg_day_orders"] == 1 and card["avg_order_complete_time"] is not None
