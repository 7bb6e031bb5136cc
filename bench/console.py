"""Live consoles: what 20 idle dispatchers' orders pages cost the server, and how long a change takes to
appear on them.

Each console polls its orders table as the browser does (`hx-trigger="every 1s"`, a GET with
`HX-Request` and the last `ETag` in `If-None-Match`; an unchanged table is a 304). The server is a real
gunicorn (2 workers x 8 threads) on a fresh SQLite file with the demo data. Figures:
- idle: requests/s, share of 304s and server CPU (all gunicorn processes, from /proc) over the idle run;
- change to appearance: orders are posted through the Lavka API one at a time, and each console records
  when its next poll first shows the new row; median and p95 over every (console, change) pair.

`python -m bench.console [--consoles 20] [--idle 20] [--changes 10]`
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from delivery.testing import process_env, start_gunicorn, stop_process

POLL = 1.0  # seconds, as hx-trigger="every 1s" in templates/ui/orders.html
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def prepare(database_url: str) -> None:
    """Migrate a fresh database, load the demo rows and a dispatcher to sign in as."""
    import logging

    from flask_migrate import upgrade

    from delivery.app import create_app
    from delivery.extensions import db
    from delivery.services.fixtures import load_demo
    from delivery.services.users import create_user

    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": "", "RATE_LIMIT": "off"})
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        load_demo(db.session())
        create_user(db.session(), "bench", "bench-pass", "dispatcher")


def sign_in(base: str) -> requests.Session:
    http = requests.Session()
    form = http.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = http.post(f"{base}/login", data={"csrf_token": token, "username": "bench", "password": "bench-pass"},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.status_code
    return http


class Console(threading.Thread):
    """One open orders page: polls each second from a random phase, remembers when rows first appear."""

    def __init__(self, base: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.http, self.base, self.stop = sign_in(base), base, stop
        self.etag = None
        self.requests = self.not_modified = self.errors = 0
        self.seen: dict[int, float] = {}  # order id -> when this console first showed it

    def run(self) -> None:
        time.sleep(random.random() * POLL)
        next_poll = time.monotonic()
        while not self.stop.is_set():
            headers = {"HX-Request": "true", **({"If-None-Match": self.etag} if self.etag else {})}
            try:
                answer = self.http.get(f"{self.base}/ui/orders", headers=headers, timeout=10)
            except requests.RequestException:
                self.errors += 1
            else:
                now = time.monotonic()
                self.requests += 1
                if answer.status_code == 304:
                    self.not_modified += 1
                elif answer.status_code == 200:
                    self.etag = answer.headers.get("ETag")
                    for order_id in map(int, re.findall(r'<tr id="order-(\d+)"', answer.text)):
                        self.seen.setdefault(order_id, now)
                else:
                    self.errors += 1
            next_poll += POLL  # htmx's "every 1s" counts from the previous trigger
            time.sleep(max(0.0, next_poll - time.monotonic()))


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and its children, from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of the idle run")
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        database_url = f"sqlite:///{Path(root) / 'console.db'}"
        prepare(database_url)
        # Plain HTTP on the loopback: its cookies must not ask for HTTPS (a throwaway database counts as production).
        # 20 consoles sign in as one dispatcher at once: past the sign-in throttle meant for guessing.
        env = process_env(DATABASE_URL=database_url, REDIS_URL="", RATE_LIMIT="off", HTTPS="0", SIGN_IN_LIMIT="1000/minute",
                          MEDIA_ROOT=str(Path(root) / "media"), HUEY_SQLITE_PATH=str(Path(root) / "huey.db"))
        process, base = start_gunicorn(env, workers=2, threads=8)
        stop = threading.Event()
        try:
            consoles = [Console(base, stop) for _ in range(args.consoles)]
            for console in consoles:
                console.start()
            time.sleep(2 * POLL)  # every console has its first full table
            counted = [(c.requests, c.not_modified) for c in consoles]
            cpu0, t0 = cpu_seconds(process.pid), time.monotonic()
            time.sleep(args.idle)
            cpu1, t1 = cpu_seconds(process.pid), time.monotonic()
            polls = sum(c.requests for c in consoles) - sum(r for r, _ in counted)
            not_modified = sum(c.not_modified for c in consoles) - sum(n for _, n in counted)
            print(f"{args.consoles} idle consoles polling every {POLL:.0f} s (gunicorn 2 workers x 8 threads, SQLite):")
            print(f"  {polls / (t1 - t0):.1f} requests/s, {100 * not_modified / max(1, polls):.0f}% answered 304, "
                  f"no request or thread held between polls")
            print(f"  server CPU {100 * (cpu1 - cpu0) / (t1 - t0):.1f}% of one core "
                  f"({1000 * (cpu1 - cpu0) / max(1, polls):.1f} ms per poll)")
            delays = []
            for n in range(args.changes):
                body = {"orders": [{"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": n}]}
                answer = requests.post(f"{base}/orders", json=body, timeout=10)
                posted = time.monotonic()
                order_id = answer.json()[0]["order_id"]
                time.sleep(POLL * 2.5)
                delays += [c.seen[order_id] - posted for c in consoles if order_id in c.seen]
            missed = args.changes * args.consoles - len(delays)
            delays.sort()
            p95 = delays[min(len(delays) - 1, int(0.95 * len(delays)))] if delays else float("nan")
            print(f"change to appearance over {len(delays)} (console, change) pairs"
                  f"{f', {missed} not seen within {2.5 * POLL:.1f} s' if missed else ''}:")
            print(f"  median {1000 * statistics.median(delays):.0f} ms, p95 {1000 * p95:.0f} ms, "
                  f"max {1000 * delays[-1]:.0f} ms")
            print(f"  errors: {sum(c.errors for c in consoles)}")
        finally:
            stop.set()
            stop_process(process)


if __name__ == "__main__":
    main()
