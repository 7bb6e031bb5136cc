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
update (the DISPATCH_SKIP_ASSIGNMENT setting, which no environment variable reaches; only this
sets it). The ratio of the two is what the assignment and its locking cost: the pick query, a
savepoint and the courier update, i.e. four more round trips to the database per order, plus waiting
on one another's row locks. Bounded: about 30 s.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("North", "Center", "South")


def baseline_app():
    """The dispatch API storing orders unassigned: `gunicorn 'bench.dispatch:baseline_app()'`."""
    from delivery.app import create_app

    return create_app({"DISPATCH_SKIP_ASSIGNMENT": True})


def admin_connection(admin_url: str):
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(admin_url.replace("postgresql+psycopg2://", "postgresql://"))
    conn = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username,
                            password=url.password, dbname=url.database or "postgres")
    conn.autocommit = True
    return conn, url


def create_database(admin_url: str) -> tuple[str, str]:
    name = f"delivery_bench_{uuid.uuid4().hex[:8]}"
    conn, url = admin_connection(admin_url)
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return url.set(database=name).render_as_string(hide_password=False), name


def drop_database(admin_url: str, name: str) -> None:
    conn, _ = admin_connection(admin_url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app_spec: str, database_url: str, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "RATE_LIMIT": "off",
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {app_spec} exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/ping")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn {app_spec} did not answer /ping")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


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
    process, port = start_server(app_spec, database_url, max(1, clients // 2))
    try:
        latencies, statuses, wall = run_load(port, clients, seconds)
    finally:
        stop_server(process)
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

    database_url, name = create_database(options.admin_url)
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
        drop_database(options.admin_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
