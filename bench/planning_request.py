"""The whole `POST /orders/assign` request on a city day, on SQLite and PostgreSQL.

Loads the planner benchmark's city instance (10,000 orders, 800 couriers) through the Lavka API into
a throwaway database, then times one planning request end to end: loading the open orders, planning,
validating and persisting the trips. Target: under 5 s on PostgreSQL. `python -m bench.planning_request`.
"""
from __future__ import annotations

import logging
import time

from bench.planner.generate import generate
from delivery.app import create_app
from delivery.domain.intervals import format_minute
from delivery.extensions import db
from delivery.testing import on_sqlite_and_postgres

DAY = "2026-06-01"


def _spans(intervals: list[list[int]]) -> list[str]:
    return [f"{format_minute(a)}-{format_minute(b)}" for a, b in intervals]


def run(database_url: str, label: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": database_url, "RATE_LIMIT": "off", "REDIS_URL": "",
                      "HUEY_IMMEDIATE": True})
    couriers, orders = generate("city", 1)
    with app.app_context():
        upgrade()
        client = app.test_client()
        client.post("/couriers", json={"couriers": [
            {"courier_type": c["type"], "regions": c["regions"], "working_hours": _spans(c["working_hours"])}
            for c in couriers]})
        client.post("/orders", json={"orders": [
            {"weight": o["weight"], "regions": o["region"], "delivery_hours": _spans(o["delivery_hours"]),
             "cost": o["cost"]} for o in orders]})
        started = time.perf_counter()
        response = client.post(f"/orders/assign?date={DAY}")
        elapsed = time.perf_counter() - started
        body = response.get_json()[0]
        trips = sum(len(c["orders"]) for c in body["couriers"])
        assigned = sum(len(t["orders"]) for c in body["couriers"] for t in c["orders"])
        print(f"{label:10} POST /orders/assign, {len(orders)} orders, {len(couriers)} couriers: "
              f"{response.status_code} in {elapsed:.2f} s, {assigned} orders in {trips} trips")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("delivery").setLevel(logging.WARNING)
    on_sqlite_and_postgres(run)


if __name__ == "__main__":
    main()
