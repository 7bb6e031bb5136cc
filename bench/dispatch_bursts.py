"""Fault run of live dispatch: bursts of 100 concurrent `POST /order/` at 30 free couriers of one district.

    python -m bench.dispatch_bursts [--bursts 20] [--posts 100] [--couriers 30] [--workers 4]
                                    [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

A throwaway PostgreSQL database served by gunicorn with --workers processes of 8 threads (as
`make run WEB_WORKERS=4`, where 3 bursts in 20 once answered 500). Each burst releases --posts
dispatches at once, together with the completions of the previous burst's orders, so couriers come
free mid-burst and the pick meets rows locked by completions as well as by other dispatches. Prints
bursts tried, the statuses, the 5xx seen (must be 0) and the couriers found holding two live orders
(must be 0). Rate limit off (RATE_LIMIT=off): the bursts are about locking, not the budget.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from delivery.testing import create_pg_database, drop_pg_database, process_env, start_gunicorn, stop_process
from bench.api import migrate

DISTRICT = "Burst"


def post(base: str, path: str, body=None) -> tuple[str, int, object]:
    request = urllib.request.Request(base + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return path, response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return path, error.code, json.loads(raw)
        except ValueError:
            return path, error.code, raw.decode(errors="replace")


def burst(base: str, posts: int, previous: list[str], number: int) -> list[tuple[str, int, object]]:
    calls = [(lambda n=n: post(base, "/order/", {"name": f"burst {number}-{n}", "district": DISTRICT}))
             for n in range(posts)]
    calls += [(lambda o=o: post(base, f"/order/{o}")) for o in previous]
    return all_at_once(calls)


def all_at_once(calls: list) -> list:
    """Run every call from its own thread, all released together; results in call order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def doubled_couriers(database_url: str) -> int:
    """Couriers holding more than one live order right now."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        doubled = connection.execute(text(
            "SELECT count(*) FROM (SELECT courier_id FROM orders WHERE status = 'assigned' "
            "GROUP BY courier_id HAVING count(*) > 1) AS d")).scalar()
    engine.dispose()
    return doubled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--couriers", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    options = parser.parse_args(argv)

    database_url, name = create_pg_database(options.admin_url, prefix="delivery_bench")
    process = None
    try:
        migrate(database_url)
        env = process_env(DATABASE_URL=database_url, REDIS_URL="", RATE_LIMIT="off")
        process, base = start_gunicorn(env, workers=options.workers, threads=8)
        for n in range(options.couriers):
            assert post(base, "/courier/", {"name": f"B{n}", "districts": [DISTRICT]})[1] == 201
        statuses: Counter = Counter()
        completions: Counter = Counter()
        doubled = 0
        previous: list[str] = []
        started = time.perf_counter()
        for number in range(options.bursts):
            results = burst(base, options.posts, previous, number)
            statuses.update(status for path, status, _ in results if path == "/order/")
            completions.update(status for path, status, _ in results if path != "/order/")
            doubled += doubled_couriers(database_url)
            previous = [body["order_id"] for path, status, body in results if path == "/order/" and status == 201]
        elapsed = time.perf_counter() - started
        five = sum(n for status, n in statuses.items() if status >= 500)
        five += sum(n for status, n in completions.items() if status >= 500)
        print(f"dispatch bursts: {options.bursts} bursts of {options.posts} concurrent POST /order/ at "
              f"{options.couriers} couriers of one district (with the previous burst's completions), "
              f"gunicorn {options.workers} workers x 8 threads, PostgreSQL, RATE_LIMIT=off, {elapsed:.1f} s")
        print(f"  bursts tried {options.bursts}; dispatch statuses {dict(sorted(statuses.items()))}; "
              f"completion statuses {dict(sorted(completions.items()))}")
        print(f"  5xx seen: {five} (must be 0); couriers holding two live orders: {doubled} (must be 0)")
        return 1 if five or doubled else 0
    finally:
        if process is not None:
            stop_process(process)
        drop_pg_database(options.admin_url, name)


if __name__ == "__main__":
    sys.exit(main())
