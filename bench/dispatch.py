"""Live dispatch: orders/s and p99 latency with 50 concurrent clients, against the same requests
without the assignment step.

    python -m bench.dispatch [--clients 50] [--seconds 8] [--per-district 1500]
                             [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

A throwaway PostgreSQL database (created through --admin-url, migrated, dropped at the end) with
3 districts of --per-district free couriers each, enough that no post runs out of couriers. A real
gunicorn (2 workers x clients/2 threads) serves it; `clients` threads post orders to random districts
over keep-alive connections for --seconds. Run 1 is the real app (`wsgi:app`): each post picks the
longest-free courier with FOR UPDATE SKIP LOCKED and updates it. Run 2 is `baseline_app()` below:
identical requests, parsing, district lookup, order insert and commit, minus the pick and the courier
update (`store_unassigned` replaces the dispatch service in that server process only). The ratio of the two is what the assignment and its locking cost: one statement picks,
inserts and updates (the baseline runs two: the district lookup and the insert), plus waiting on one
another's row locks. Bounded: about 30 s.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from delivery.testing import (  # noqa: E402
    create_pg_database, drop_pg_database, process_env, start_gunicorn, stop_process,
)
DISTRICTS = ("North", "Center", "South")


def store_unassigned(session, name: str, district: str) -> dict:
    """The baseline's dispatch: look the district up and store the order unassigned, in one
    transaction; 409 for a district nobody named, as the real one."""
    from sqlalchemy import select

    from delivery.models import District, Order
    from delivery.services.dispatch import no_free_courier
    from delivery.services.tx import write_transaction

    with write_transaction(session):
        district_id = session.scalar(select(District.id).where(District.name == district))
        if district_id is None:
            raise no_free_courier(district)
        order = Order(name=name, district_id=district_id, status="new")
        session.add(order)
        session.flush()
        return {"order_id": order.uuid, "courier_id": None}


def baseline_app():
    """The dispatch API storing orders unassigned: `gunicorn 'bench.dispatch:baseline_app()'`.

    The server process runs nothing but this app, so its dispatch service is swapped for
    `store_unassigned` process-wide; the application itself has no such switch.
    """
    from delivery.app import create_app
    from delivery.services import dispatch

    dispatch.dispatch_order = store_unassigned
    return create_app()


def migrate_and_seed(database_url: str, per_district: int) -> None:
    """Build the schema with the migrations, then insert the districts and free couriers."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from delivery.app import create_app
    from delivery.extensions import db
    from delivery.models import Courier, CourierDistrict, District

    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": "", "RATE_LIMIT": "off"})
    with app.app_context():
        upgrade()
        logging.disable(logging.INFO)
        start = datetime(2026, 1, 1)
        db.session.execute(insert(District), [{"id": i + 1, "name": n} for i, n in enumerate(DISTRICTS)])
        couriers, links = [], []
        for n in range(per_district * len(DISTRICTS)):
            couriers.append({"id": n + 1, "uuid": uuid.uuid4(), "name": f"Courier {n + 1}", "type": "FOOT",
                             "working_hours": [], "free_since": start + timedelta(seconds=n)})
            links.append({"courier_id": n + 1, "position": 0, "district_id": n % len(DISTRICTS) + 1})
        db.session.execute(insert(Courier), couriers)
        db.session.execute(insert(CourierDistrict), links)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()


def start_server(app_spec: str, database_url: str, threads: int):
    env = process_env(DATABASE_URL=database_url, REDIS_URL="", RATE_LIMIT="off")
    try:
        return start_gunicorn(env, workers=2, threads=threads, app=app_spec)
    except RuntimeError as error:
        raise SystemExit(str(error)) from error


def run_load(port: int, clients: int, seconds: float) -> tuple[list[float], Counter, float]:
    """`clients` threads post orders until the deadline; latencies of 201s, status counts, wall time."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        counts: Counter = Counter()
        ready.wait()
        n = 0
        while time.perf_counter() < stop_at[0]:
            body = json.dumps({"name": f"bench {seed}-{n}", "district": rng.choice(DISTRICTS)})
            started = time.perf_counter()
            conn.request("POST", "/order/", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            counts[response.status] += 1
            if response.status == 201:
                mine.append(elapsed)
            n += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(counts)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, statuses, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(label: str, app_spec: str, database_url: str, clients: int, seconds: float) -> float:
    process, base = start_server(app_spec, database_url, max(1, clients // 2))
    try:
        latencies, statuses, wall = run_load(int(base.rsplit(":", 1)[1]), clients, seconds)
    finally:
        stop_process(process)
    rate = len(latencies) / wall
    print(f"{label:<22} {rate:8.1f} orders/s   p50 {percentile(latencies, 0.50) * 1000:7.1f} ms   "
          f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   statuses {dict(sorted(statuses.items()))}")
    if set(statuses) - {201}:
        print(f"  warning: not every post was a 201 ({dict(statuses)})")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--per-district", type=int, default=1500, help="free couriers per district")
    parser.add_argument("--admin-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    options = parser.parse_args(argv)

    database_url, name = create_pg_database(options.admin_url, prefix="delivery_bench")
    try:
        migrate_and_seed(database_url, options.per_district)
        print(f"dispatch: {options.clients} clients, {options.seconds:.0f} s per run, gunicorn 2 workers x "
              f"{max(1, options.clients // 2)} threads, PostgreSQL, "
              f"{options.per_district * len(DISTRICTS)} free couriers in {len(DISTRICTS)} districts")
        assigned = measure("with assignment", "wsgi:app", database_url, options.clients, options.seconds)
        baseline = measure("without assignment", "bench.dispatch:baseline_app()", database_url,
                           options.clients, options.seconds)
        print(f"assignment keeps {assigned / baseline:.2f}x of the baseline throughput")
    finally:
        drop_pg_database(options.admin_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
