"""Lavka API throughput and latency: `python -m bench.lavka` from the repository root.

For SQLite and PostgreSQL (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres;
a temporary database is created there and dropped):
- POST /couriers and POST /orders with 10,000 items through the whole app (validation, one INSERT
  per table, serialisation), beside a raw DBAPI `executemany` of the same rows: the ratio is the
  figure to watch;
- GET latency (p50, p99) of /couriers/{id} and /orders/{id} under a bounded load (4 threads x 100
  requests) against a real 2-worker gunicorn on loopback.
"""
from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.request import urlopen

from sqlalchemy import text

from delivery.app import create_app
from delivery.extensions import db
from delivery.testing import on_sqlite_and_postgres, process_env, start_gunicorn, stop_process

N = 10_000
TYPES = ("FOOT", "BIKE", "AUTO")


def couriers_body(rng: random.Random) -> dict:
    return {"couriers": [
        {"courier_type": rng.choice(TYPES), "regions": rng.sample(range(1, 50), rng.randint(1, 3)),
         "working_hours": ["09:00-13:00", "14:00-18:00"]}
        for _ in range(N)]}


def orders_body(rng: random.Random) -> dict:
    return {"orders": [
        {"weight": round(rng.uniform(0.1, 30), 2), "regions": rng.randint(1, 49),
         "delivery_hours": ["10:00-12:00"], "cost": rng.randint(100, 5000)}
        for _ in range(N)]}


def empty(engine) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("UPDATE couriers SET active_order_id = NULL"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


def raw_executemany(engine, sql: str, rows: list[tuple]) -> float:
    """Seconds for one DBAPI executemany of `rows` and a commit."""
    if engine.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        start = time.perf_counter()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        cursor.executemany(sql, rows)
        conn.commit()
        return time.perf_counter() - start
    finally:
        conn.close()


def bench_posts(app, label: str) -> None:
    rng = random.Random(7)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
        for endpoint, body in (("/couriers", couriers_body(rng)), ("/orders", orders_body(rng))):
            empty(engine)
            start = time.perf_counter()
            response = client.post(endpoint, json=body)
            api_s = time.perf_counter() - start
            assert response.status_code == 200, response.data[:200]
            empty(engine)
            items = next(iter(body.values()))
            if endpoint == "/couriers":
                rows = [(i, str(uuid.uuid4()).replace("-", "") if engine.dialect.name == "sqlite"
                         else str(uuid.uuid4()), c["courier_type"], json.dumps(c["working_hours"]))
                        for i, c in enumerate(items, start=1)]
                with engine.begin() as conn:  # districts exist for both runs alike
                    conn.execute(text("INSERT INTO districts (id, name) VALUES " + ", ".join(
                        f"({i}, '{i}')" for i in range(1, 50))))
                raw_s = raw_executemany(engine, "INSERT INTO couriers (id, uuid, type, working_hours, "
                                        "avg_day_orders, created_at) VALUES (?, ?, ?, ?, 0, CURRENT_TIMESTAMP)", rows)
                links = [(i, p, r) for i, c in enumerate(items, start=1) for p, r in enumerate(c["regions"])]
                raw_s += raw_executemany(engine, "INSERT INTO courier_districts (courier_id, position, "
                                         "district_id) VALUES (?, ?, ?)", links)
            else:
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO districts (id, name) VALUES " + ", ".join(
                        f"({i}, '{i}')" for i in range(1, 50))))
                rows = [(str(uuid.uuid4()).replace("-", "") if engine.dialect.name == "sqlite"
                         else str(uuid.uuid4()), o["weight"], o["regions"], json.dumps(o["delivery_hours"]),
                         o["cost"]) for o in items]
                raw_s = raw_executemany(engine, "INSERT INTO orders (uuid, weight, district_id, delivery_hours, "
                                        "cost, status, created_at) VALUES (?, ?, ?, ?, ?, 'new', CURRENT_TIMESTAMP)", rows)
            print(f"{label:10} POST {endpoint:9} {N} items: API {N / api_s:9.0f} items/s ({api_s:.2f} s)   "
                  f"raw executemany {N / raw_s:9.0f} rows/s ({raw_s:.2f} s)   API/raw time x{api_s / raw_s:.1f}")
        empty(engine)
        client.post("/couriers", json=couriers_body(rng))
        client.post("/orders", json=orders_body(rng))


def bench_gets(database_url: str, label: str) -> None:
    env = process_env(DATABASE_URL=database_url, RATE_LIMIT="off", REDIS_URL="")
    server, base = start_gunicorn(env, workers=2, threads=1)
    try:
        rng = random.Random(3)
        paths = [f"/{rng.choice(('couriers', 'orders'))}/{rng.randint(1, N)}" for _ in range(400)]

        def get(path: str) -> float:
            start = time.perf_counter()
            urlopen(base + path, timeout=30).read()
            return (time.perf_counter() - start) * 1000

        for path in paths[:20]:  # warm both workers
            get(path)
        with ThreadPoolExecutor(max_workers=4) as pool:
            start = time.perf_counter()
            times = sorted(pool.map(get, paths))
            wall = time.perf_counter() - start
        p99 = times[int(len(times) * 0.99) - 1]
        print(f"{label:10} GET by id, 2 gunicorn workers, 4 clients: p50 {statistics.median(times):.1f} ms, "
              f"p99 {p99:.1f} ms, {len(times) / wall:.0f} req/s")
    finally:
        stop_process(server)


def run(database_url: str, label: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": database_url, "RATE_LIMIT": "off", "REDIS_URL": "",
                      "HUEY_IMMEDIATE": True})
    with app.app_context():
        upgrade()
    bench_posts(app, label)
    with app.app_context():
        db.engine.dispose()
    bench_gets(database_url, label)


def main() -> None:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    on_sqlite_and_postgres(run)


if __name__ == "__main__":
    main()
