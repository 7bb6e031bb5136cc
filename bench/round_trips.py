"""Database round trips per request of each hot path, counted by SQLAlchemy event listeners.

    python -m bench.round_trips [--requests 50] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

The app runs in this process on a throwaway PostgreSQL database, loaded and driven through the public
APIs by Flask's test client. Listeners on every engine count what goes over the wire: statements,
BEGIN (psycopg2 sends one before a transaction's first statement), COMMIT and ROLLBACK (none in
autocommit mode), and the `SELECT 1` with which a pinging pool tests each connection it hands out.
Printed per path: round trips per request, what they are, and the mean time per request in this
process (no HTTP server, so only relative figures mean anything).
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from collections import Counter

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.api import REGIONS, analyze, load
from delivery.testing import create_pg_database, drop_pg_database

COUNTS: Counter = Counter()
KINDS = ("statement", "BEGIN", "COMMIT", "ROLLBACK", "ping")


def _in_autocommit(connection) -> bool:
    return bool(getattr(connection.connection.dbapi_connection, "autocommit", False))


def install_counters() -> None:
    """Count the round trips of every engine in this process (the app's and its autocommit twins)."""
    event.listen(Engine, "before_cursor_execute", lambda *args, **kwargs: COUNTS.update(["statement"]))
    for name in ("begin", "commit", "rollback"):
        event.listen(Engine, name, lambda connection, *args, _kind=name.upper():
                     None if _in_autocommit(connection) else COUNTS.update([_kind]))
    # One Connection per checkout; a pinging pool tests the connection first.
    event.listen(Engine, "engine_connect", lambda connection: COUNTS.update(
        ["ping"] if connection.engine.pool._pre_ping else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    options = parser.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from flask_migrate import upgrade

    from delivery.app import create_app
    from delivery.extensions import db

    database_url, name = create_pg_database(options.admin_url, prefix="delivery_bench")
    try:
        app = create_app({"DATABASE_URL": database_url, "REDIS_URL": "", "RATE_LIMIT": "off"})
        with app.app_context():
            upgrade()
        client = app.test_client()

        def call(_base, method, path, body=None):
            response = client.open(path, method=method, json=body)
            return response.status_code, response.get_json()

        couriers, orders = 2000, 2000
        cards = load("", couriers, orders, 20, call=call)
        analyze(database_url)
        rng = random.Random(3)
        paths = {
            "GET /ping": lambda: client.get("/ping"),
            "GET /couriers/{id}": lambda: client.get(f"/couriers/{rng.randint(1, couriers)}"),
            "GET /orders?limit=10&offset=": lambda: client.get(
                f"/orders?limit=10&offset={rng.randint(0, orders - 10)}"),
            "POST /orders (1 order)": lambda: client.post("/orders", json={"orders": [
                {"weight": 2.5, "regions": rng.randint(1, REGIONS), "delivery_hours": ["10:00-12:30"],
                 "cost": 300}]}),
            "POST /order/ live dispatch": lambda: client.post("/order/", json={
                "name": "bench", "district": str(rng.randint(1, REGIONS))}),
            "GET /courier/{id} card": lambda: client.get(f"/courier/{rng.choice(cards)}"),
        }
        install_counters()
        print(f"round trips per request, PostgreSQL, {options.requests} requests per path, in process")
        for label, request in paths.items():
            request()  # warm: pools and statement caches
            COUNTS.clear()
            started = time.perf_counter()
            for _ in range(options.requests):
                assert request().status_code < 500
            elapsed = (time.perf_counter() - started) / options.requests
            per = {kind: COUNTS[kind] / options.requests for kind in KINDS}
            print(f"{label:<30} {sum(per.values()):4.1f} round trips ("
                  + ", ".join(f"{value:.1f} {kind}" for kind, value in per.items() if value)
                  + f")  {elapsed * 1000:.2f} ms", flush=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_pg_database(options.admin_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
