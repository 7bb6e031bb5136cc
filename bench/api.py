"""The hot API paths under `wrk`, each as a fraction of `GET /ping` measured in the same run.

    python -m bench.api [--seconds 5] [--connections 16] [--couriers 30000] [--orders 10000]
                        [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

A throwaway PostgreSQL database (created through --admin-url, migrated, dropped at the end) served by
the real app under gunicorn, 2 workers x 8 threads, with the rate limit off (RATE_LIMIT=off: the
contract's 10 requests/s per endpoint would measure the limiter, not the path). Data goes in through
the public APIs only: Lavka couriers and orders in batches, dispatch couriers one by one, some of them
given a live order. Then `wrk` (Debian's package; `make bench` installs it) drives each path for
--seconds with --connections connections: `/ping` first and last (their mean is the reference), and
between them the paths of issue 17. Per path: requests/s, p50, p99, the ratio to /ping, and the
statuses seen (5xx must stay 0). Then live dispatch alone at 4 connections (its p99 is the latency a
lightly loaded server gives), and one `GET /couriers?limit=` of every courier: time, body size and
how far the serving worker's resident memory rose.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from delivery.testing import create_pg_database, drop_pg_database, process_env, start_gunicorn, stop_process

ROOT = Path(__file__).resolve().parent.parent
REGIONS = 10
CARD_DISTRICT = "Cards"
BATCH = 5000

# One Lua script for every path: `request` builds the next request from the path's parameters, and
# every response's status is counted so that `done` can print them with the figures, one parsable line.
LUA = r"""
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 100 + id)
  statuses = {}
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + n end
  end
  io.write(string.format("WRK %d %d %d %d %d", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  for status, n in pairs(all) do io.write(string.format(" %d=%d", status, n)) end
  io.write("\n")
end
"""

PATH_REQUESTS = {
    "ping": 'function request() return wrk.format("GET", "/ping") end',
    "courier": """function request()
  return wrk.format("GET", "/couriers/" .. math.random(1, {couriers}))
end""",
    "orders_page": """function request()
  return wrk.format("GET", "/orders?limit=10&offset=" .. math.random(0, {orders} - 10))
end""",
    "order_post": """local headers = {{["Content-Type"] = "application/json"}}
function request()
  local body = string.format('{{"orders": [{{"weight": %d.5, "regions": %d, "delivery_hours": ["10:00-12:30"], "cost": %d}}]}}',
    math.random(1, 20), math.random(1, {regions}), math.random(100, 900))
  return wrk.format("POST", "/orders", headers, body)
end""",
    "dispatch": """local headers = {{["Content-Type"] = "application/json"}}
local n = 0
function request()
  n = n + 1
  local body = string.format('{{"name": "bench %d-%d", "district": "%d"}}', id, n, math.random(1, {regions}))
  return wrk.format("POST", "/order/", headers, body)
end""",
    "card": """local ids = {{{card_ids}}}
function request()
  return wrk.format("GET", "/courier/" .. ids[math.random(1, #ids)])
end""",
}

LABELS = {
    "ping": "GET /ping",
    "courier": "GET /couriers/{id}",
    "orders_page": "GET /orders?limit=10&offset=",
    "order_post": "POST /orders (1 order)",
    "dispatch": "POST /order/ live dispatch",
    "card": "GET /courier/{id} card",
}
TARGETS = {"courier": 0.35, "orders_page": 0.25, "order_post": 0.20, "dispatch": 0.15, "card": 0.25}


def call(base: str, method: str, path: str, body=None, timeout: float = 300):
    """One JSON request; (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def load(base: str, couriers: int, orders: int, cards: int, call=call) -> list[str]:
    """Couriers, orders and card couriers through the public APIs; the card couriers' ids.

    `call(base, method, path, body)` makes one request (another client may stand in for HTTP)."""
    rng = random.Random(17)
    for start in range(0, couriers, BATCH):
        batch = [{"courier_type": rng.choice(("FOOT", "BIKE", "AUTO")), "regions": [n % REGIONS + 1],
                  "working_hours": ["08:00-14:00", "15:00-21:00"]}
                 for n in range(start, min(couriers, start + BATCH))]
        status, _ = call(base, "POST", "/couriers", {"couriers": batch})
        assert status == 200, status
    for start in range(0, orders, BATCH):
        batch = [{"weight": round(rng.uniform(0.5, 20), 2), "regions": rng.randint(1, REGIONS),
                  "delivery_hours": ["10:00-13:00"], "cost": rng.randint(100, 2000)}
                 for _ in range(start, min(orders, start + BATCH))]
        status, _ = call(base, "POST", "/orders", {"orders": batch})
        assert status == 200, status
    ids = []
    for n in range(cards):
        status, body = call(base, "POST", "/courier/", {"name": f"Card {n}", "districts": [CARD_DISTRICT]})
        assert status == 201, status
        ids.append(body["id"])
    for n in range(cards // 2):  # half of them carry a live order: the card then shows it
        assert call(base, "POST", "/order/", {"name": f"Card order {n}", "district": CARD_DISTRICT})[0] == 201
    return ids


def wrk(base: str, name: str, params: dict, seconds: float, connections: int, workdir: Path) -> dict:
    """Run wrk on one path; requests/s, p50 and p99 in ms, statuses and socket errors."""
    script = workdir / f"{name}.lua"
    script.write_text(LUA + PATH_REQUESTS[name].format(**params))
    threads = min(2, connections)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "10s", "-s", str(script), base], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed on {name}: {result.stderr or result.stdout}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK "))
    fields = line.split()
    requests, duration, p50, p99, errors = (int(x) for x in fields[1:6])
    statuses = dict(sorted((int(k), int(v)) for k, v in (x.split("=") for x in fields[6:])))
    return {"rps": requests / (duration / 1e6), "p50": p50 / 1000, "p99": p99 / 1000,
            "statuses": statuses, "errors": errors}


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_kib(pid: int) -> int:
    match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) if match else 0


def huge_listing(base: str, master: int, couriers: int) -> str:
    """One GET /couriers?limit= of every courier: time, bytes, and how far the workers' resident memory
    rose above where it stood before (sampled every 5 ms while the body arrives)."""
    pids = worker_pids(master)
    before = {pid: rss_kib(pid) for pid in pids}
    highest = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            for pid in pids:
                highest[pid] = max(highest[pid], rss_kib(pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    size = 0
    try:
        with urllib.request.urlopen(f"{base}/couriers?limit={couriers}&offset=0", timeout=600) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    growth = max((highest[pid] - before[pid] for pid in pids), default=0)
    return (f"GET /couriers?limit={couriers}: {elapsed:.2f} s, {size / 1e6:.1f} MB body, "
            f"worker memory rose by at most {growth / 1024:.1f} MiB while serving it")


def analyze(database_url: str) -> None:
    """Fresh planner statistics and visibility map after the load, as autovacuum gives a database that
    has run a while (index-only scans, such as the orders page's offset walk, depend on it)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def migrate(database_url: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "flask"), "db", "upgrade"], cwd=ROOT, check=True,
                   env=process_env(DATABASE_URL=database_url, REDIS_URL="", FLASK_APP="wsgi"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_row(label: str, figures: dict, ping: float, target: float | None) -> None:
    five = sum(n for status, n in figures["statuses"].items() if status >= 500)
    goal = f"(target >= {target:.2f})" if target else ""
    print(f"{label:<32} {figures['rps']:8.0f} req/s  p50 {figures['p50']:7.1f} ms  p99 {figures['p99']:7.1f} ms"
          f"  ratio {figures['rps'] / ping:5.2f} {goal:<16} statuses {figures['statuses']}"
          f"{'  5xx: ' + str(five) if five else ''}{'  socket errors: ' + str(figures['errors']) if figures['errors'] else ''}",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--couriers", type=int, default=30000, help="Lavka couriers (free for dispatch)")
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--cards", type=int, default=200, help="dispatch couriers whose card is read")
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    options = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed: `sudo apt-get install wrk` (make bench does)")
        return 1

    database_url, name = create_pg_database(options.admin_url, prefix="delivery_bench")
    process = None
    try:
        migrate(database_url)
        env = process_env(DATABASE_URL=database_url, REDIS_URL="", RATE_LIMIT="off")
        process, base = start_gunicorn(env, workers=2, threads=8)
        started = time.perf_counter()
        card_ids = load(base, options.couriers, options.orders, options.cards)
        analyze(database_url)
        print(f"api: PostgreSQL, gunicorn 2 workers x 8 threads, RATE_LIMIT=off (no rate limit during the "
              f"bench), wrk {options.connections} connections, {options.seconds:.0f} s per path; loaded "
              f"{options.couriers} couriers, {options.orders} orders, {options.cards} card couriers "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        params = {"couriers": options.couriers, "orders": options.orders, "regions": REGIONS,
                  "card_ids": ", ".join(f'"{i}"' for i in card_ids)}
        with tempfile.TemporaryDirectory() as tmp:
            run = lambda path, connections=options.connections: wrk(  # noqa: E731
                base, path, params, options.seconds, connections, Path(tmp))
            run("ping")  # warm-up: every thread's first connection and first queries
            figures = {"ping_before": run("ping")}
            for path in ("courier", "orders_page", "order_post", "dispatch", "card"):
                figures[path] = run(path)
            figures["ping_after"] = run("ping")
            ping = (figures["ping_before"]["rps"] + figures["ping_after"]["rps"]) / 2
            print_row("GET /ping (before)", figures["ping_before"], ping, None)
            for path in ("courier", "orders_page", "order_post", "dispatch", "card"):
                print_row(LABELS[path], figures[path], ping, TARGETS[path])
            print_row("GET /ping (after)", figures["ping_after"], ping, None)
            quiet = run("dispatch", 4)
            print(f"POST /order/ at 4 connections: {quiet['rps']:.0f} req/s, p50 {quiet['p50']:.1f} ms, "
                  f"p99 {quiet['p99']:.1f} ms (target <= 20 ms), statuses {quiet['statuses']}")
        print(huge_listing(base, process.pid, options.couriers + options.cards))
    finally:
        if process is not None:
            stop_process(process)
        drop_pg_database(options.admin_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
