"""The fault run: checks through a consumer crash and through Redis going away, and live dispatch in
bursts; lost (must be 0), 5xx (must be 0), and the time to recover.

    python -m bench.faults [--orders 20] [--fast] [--admin-url postgresql://...] [crash redis bursts]

Each scenario gets a throwaway PostgreSQL database (migrated, dropped at the end), a private
redis-server on a free port, a real gunicorn and real `huey_consumer` processes, with the production
watchdog settings (HEARTBEAT_SECONDS, CHECK_LEASE_SECONDS, ...; `--fast` shortens them as the tests do):
- crash: --orders orders (two checks each) are posted; a consumer whose wkhtmltopdf is slowed down
  by a wrapper is killed with SIGKILL mid-render and a new one started. Recovery: from the new
  consumer's start to every check rendered. "Rendered twice" counts claims beyond one per check
  plus one per render the kill cut short (must be 0).
- redis: Redis is shut down while Lavka requests and posts of orders go on, then started again
  (empty). Recovery: from its restart to every check rendered, and to the rate limits back on Redis.
- bursts: 20 bursts of 100 concurrent POST /order/ at 30 couriers of one district, each with the
  previous burst's completions (bench.dispatch_bursts): 5xx and couriers holding two live orders.
Bounded: every wait has a limit; a few minutes in all with the production settings.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from delivery.api.receipt_schemas import ORDER_EXAMPLE
from delivery.testing import (
    FAST_WATCHDOG,
    create_pg_database,
    drop_pg_database,
    free_port,
    kill_group,
    process_env,
    slow_wkhtmltopdf,
    start_consumer,
    start_gunicorn,
    start_redis,
    stop_process,
)

WAIT_LIMIT = 240.0


class Stage:
    """One scenario's database, Redis, web server and consumers, all stopped at the end."""

    def __init__(self, admin_url: str, folder: Path, fast: bool, **settings: str):
        self.admin_url, self.folder = admin_url, folder
        self.database_url, self.database = create_pg_database(admin_url, prefix="delivery_faults")
        self.redis_port = free_port()
        self.env = process_env(
            DATABASE_URL=self.database_url, REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            MEDIA_ROOT=str(folder / "media"), HUEY_NAME="delivery-faults", RATE_LIMIT_PREFIX="delivery-faults",
            **(FAST_WATCHDOG if fast else {}), **settings,
        )
        self.processes: list = []
        self.codes: list[int] = []
        self.http = requests.Session()
        self.app = self._migrate_and_seed()

    def _migrate_and_seed(self):
        from flask_migrate import upgrade

        from delivery.app import create_app
        from delivery.extensions import db
        from delivery.services.fixtures import load_printers

        app = create_app({"DATABASE_URL": self.database_url, "REDIS_URL": "", "RATE_LIMIT": "off"})
        with app.app_context():
            upgrade()
            load_printers(db.session())
            db.session.remove()
        return app

    def start(self, what: str, **kwargs):
        if what == "redis":
            process, _ = start_redis(self.redis_port)
        elif what == "web":
            process, self.base = start_gunicorn(self.env, workers=2, threads=8)
        else:
            process = start_consumer(self.env, log=self.folder / f"consumer-{len(self.processes)}.log", **kwargs)
        self.processes.append(process)
        return process

    def call(self, method: str, path: str, **kwargs) -> int:
        try:
            status = self.http.request(method, self.base + path, timeout=30, **kwargs).status_code
        except requests.RequestException:
            status = 599  # no answer at all counts as a 5xx
        self.codes.append(status)
        return status

    def post_orders(self, first: int, count: int) -> None:
        for order_id in range(first, first + count):
            self.call("POST", "/create_checks/", json={**ORDER_EXAMPLE, "id": order_id})

    def statuses(self) -> dict[int, tuple[str, int]]:
        from sqlalchemy import select

        from delivery.extensions import db
        from delivery.models import Check

        with self.app.app_context():
            rows = db.session.execute(select(Check.id, Check.status, Check.attempts, Check.lease_owner)).all()
            db.session.remove()
        return {row.id: (row.status, row.attempts, row.lease_owner) for row in rows}

    def wait_rendered(self, during: Callable[[], object] = lambda: None) -> float | None:
        """Seconds until every check is rendered (None past the limit), calling `during` meanwhile."""
        started = time.monotonic()
        while time.monotonic() - started < WAIT_LIMIT:
            during()
            if all(status == "rendered" for status, _, _ in self.statuses().values()):
                return time.monotonic() - started
            time.sleep(0.2)
        return None

    def close(self) -> None:
        for process in reversed(self.processes):
            stop_process(process)
        self.http.close()
        from delivery.extensions import db

        with self.app.app_context():
            db.engine.dispose()
        drop_pg_database(self.admin_url, self.database)

    def five_xx(self) -> int:
        return sum(1 for code in self.codes if code >= 500)


def report(name: str, stage: Stage, recovered: float | None, **figures) -> bool:
    statuses = stage.statuses()
    lost = sum(1 for status, _, _ in statuses.values() if status != "rendered")
    shown = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in figures.items())
    recovery = f"{recovered:.1f} s" if recovered is not None else f"not within {WAIT_LIMIT:.0f} s"
    print(f"{name}: checks posted {len(statuses)}, lost {lost} (must be 0), 5xx {stage.five_xx()} (must be 0), "
          f"requests {len(stage.codes)}, time to recover {recovery}" + (f", {shown}" if shown else ""), flush=True)
    return lost == 0 and stage.five_xx() == 0 and recovered is not None


def crash(admin_url: str, orders: int, fast: bool, folder: Path) -> bool:
    """A consumer killed with SIGKILL mid-render, then a new one."""
    renders = folder / "renders.log"
    renders.touch()
    stage = Stage(admin_url, folder, fast, WKHTMLTOPDF=str(slow_wkhtmltopdf(folder, 1, renders)))
    try:
        stage.start("redis")
        stage.start("web")
        first = stage.start("consumer")
        stage.post_orders(1, orders)
        deadline = time.monotonic() + 60
        while renders.read_text().split().count(str(first.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        kill_group(first)
        first_id = f"{socket.gethostname()}:{first.pid}"
        at_kill = stage.statuses()
        in_flight = {i for i, (status, _, owner) in at_kill.items() if status == "new" and owner == first_id}
        stage.start("consumer")
        recovered = stage.wait_rendered()
        claims = sum(attempts for _, attempts, _ in stage.statuses().values())
        twice = claims - len(at_kill) - len(in_flight)
        ok = report("crash", stage, recovered, killed_mid_render=len(in_flight), rendered_twice=twice)
        return ok and twice == 0
    finally:
        stage.close()


def redis_down(admin_url: str, orders: int, fast: bool, folder: Path) -> bool:
    """Redis shut down under load and started again, empty."""
    stage = Stage(admin_url, folder, fast, RATE_LIMIT="1000/second")
    try:
        redis_process = stage.start("redis")
        stage.start("web")
        stage.start("consumer")
        lavka = lambda: (stage.call("GET", "/couriers"), stage.call("GET", "/orders/1"))  # noqa: E731
        half = max(1, orders // 2)
        stage.post_orders(1, half)
        stop_process(redis_process)
        stage.processes.remove(redis_process)
        for order_id in range(half + 1, orders + 1):
            lavka()
            stage.post_orders(order_id, 1)
        down_ready = stage.http.get(stage.base + "/readyz", timeout=30).status_code
        restarted = time.monotonic()
        stage.start("redis")
        rendered = stage.wait_rendered(during=lavka)
        limits_back = _limits_back_on_redis(stage, lavka, restarted)
        return report("redis", stage, rendered, readyz_while_down=down_ready,
                      rate_limits_back_on_redis_after=f"{limits_back:.1f} s" if limits_back is not None else "never")
    finally:
        stage.close()


def _limits_back_on_redis(stage: Stage, lavka: Callable[[], object], since: float) -> float | None:
    import redis

    client = redis.Redis(port=stage.redis_port)
    try:
        while time.monotonic() - since < WAIT_LIMIT:
            lavka()
            if client.keys("delivery-faults*"):
                return time.monotonic() - since
            time.sleep(0.5)
        return None
    finally:
        client.close()


def bursts(admin_url: str, orders: int, fast: bool, tmp: Path) -> bool:
    """Bursts of 100 concurrent POST /order/ at 30 couriers (bench.dispatch_bursts): 5xx must be 0."""
    from bench import dispatch_bursts

    return dispatch_bursts.main(["--bursts", "20", "--admin-url", admin_url]) == 0


SCENARIOS: dict[str, Callable[[str, int, bool, Path], bool]] = {
    "crash": crash, "redis": redis_down, "bursts": bursts,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20, help="orders posted per scenario (two checks each)")
    parser.add_argument("--fast", action="store_true", help="short heartbeats and leases, as the tests use")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("scenarios", nargs="*", help=f"some of {', '.join(SCENARIOS)} (default: all)")
    options = parser.parse_args(argv)
    unknown = [name for name in options.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    missing = [tool for tool in ("redis-server", "wkhtmltopdf") if shutil.which(tool) is None]
    if missing:
        print(f"fault run skipped: {', '.join(missing)} not installed")
        return 0
    import logging

    logging.disable(logging.WARNING)  # the app's own start-up notes would bury the figures
    results = []
    for name in options.scenarios or list(SCENARIOS):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(SCENARIOS[name](options.admin_url, options.orders, options.fast, Path(tmp)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
