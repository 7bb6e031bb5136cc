"""Checks rendered per second by 1, 2 and 4 Huey consumer workers, against raw wkhtmltopdf.

    python -m bench.receipts [--checks 16] [--workers 1,2,4]

A throwaway SQLite database, Huey queue and media folder in a temporary directory; the checks are
created through the real service (so their tasks are queued as in production), then a Huey
Consumer with N thread workers renders them while we wait for every check to be `rendered`.
The baseline is the bare `wkhtmltopdf` command on the same HTML with the same options, one after
another. The figure is the ratio of time per check (1 worker vs raw; target <= 1.2x) and the
throughput growing with workers. Bounded: a few dozen renders in all, a timeout on every wait.
"""
from __future__ import annotations

import argparse
import logging
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from delivery.api.receipt_schemas import ORDER_EXAMPLE

# The api.yml example with the phone as a string, as most points send it.
ORDER = {**ORDER_EXAMPLE, "id": 1, "client": {"name": "Иван", "phone": "9173332222"}}
WAIT_LIMIT = 180.0


def raw_seconds_per_check(binary: str, html: str, checks: int, folder: Path) -> float:
    """Run the wkhtmltopdf command itself `checks` times, one after another; seconds per render."""
    from delivery.printing import OPTIONS

    args = [binary]
    for name, value in OPTIONS.items():
        args.append(f"--{name}")
        if value is not None:
            args.append(str(value))
    started = time.perf_counter()
    for n in range(checks):
        subprocess.run([*args, "-", str(folder / f"raw-{n}.pdf")], input=html.encode("utf-8"),
                       check=False, capture_output=True, timeout=60)
    return (time.perf_counter() - started) / checks


def consumer_run(app, workers: int, checks: int, first_order: int) -> float:
    """Queue `checks` checks, render them with one Consumer of `workers` threads; seconds taken."""
    from huey.consumer import Consumer
    from sqlalchemy import func, select

    from delivery.extensions import db
    from delivery.models import Check
    from delivery.services import receipts
    from delivery.queue import huey
    from delivery.tasks import render_check

    with app.app_context():
        order_id = first_order
        created = 0
        while created < checks:  # point 1 has two printers: two checks per order
            created += len(receipts.create_checks(db.session(), {**ORDER, "id": order_id}, render_check))
            order_id += 1
        db.session.remove()

    consumer = Consumer(huey, workers=workers, periodic=False, initial_delay=0.01, backoff=1.1,
                        max_delay=0.05, check_worker_health=False)
    started = time.perf_counter()
    consumer.start()
    try:
        deadline = started + WAIT_LIMIT
        with app.app_context():
            while time.perf_counter() < deadline:
                waiting = db.session.scalar(
                    select(func.count()).select_from(Check).where(Check.status == "new"))
                db.session.rollback()
                if not waiting:
                    break
                time.sleep(0.02)
            else:
                raise SystemExit(f"{workers} workers: checks still new after {WAIT_LIMIT}s")
        elapsed = time.perf_counter() - started
    finally:
        consumer.stop(graceful=True)
        for worker_thread in getattr(consumer, "worker_threads", []):
            worker_thread[1].join(10)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=16, help="checks per run (even; default 16)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to try (default 1,2,4)")
    options = parser.parse_args(argv)
    binary = shutil.which("wkhtmltopdf")
    if not binary:
        print("wkhtmltopdf is not installed: nothing to measure")
        return 1

    with tempfile.TemporaryDirectory(prefix="bench-receipts-") as folder:
        root = Path(folder)
        from flask_migrate import upgrade

        from delivery.app import create_app
        from delivery.extensions import db
        from delivery.services.fixtures import load_printers
        from delivery.printing import check_html

        app = create_app({
            "DATABASE_URL": f"sqlite:///{root / 'bench.db'}",
            "REDIS_URL": "",
            "MEDIA_ROOT": str(root / "media"),
            "HUEY_IMMEDIATE": False,
            "HUEY_NAME": "bench-receipts",
            "HUEY_SQLITE_PATH": str(root / "huey.db"),
            "RATE_LIMIT": "off",
            "SECRET_KEY": secrets.token_urlsafe(48),  # a throwaway database counts as production
        })
        # create_app configured the queue: the consumer's tasks use this app (and so this database)
        logging.disable(logging.INFO)  # figures, not the migrations' and the consumer's chatter
        with app.app_context():
            upgrade()
            load_printers(db.session())
            html = check_html("client", ORDER)

        raw = raw_seconds_per_check(binary, html, options.checks, root)
        print(f"raw wkhtmltopdf: {options.checks} renders one after another, {raw * 1000:.0f} ms per check, "
              f"{1 / raw:.2f} checks/s")
        print(f"{'workers':>7} {'checks':>6} {'seconds':>8} {'checks/s':>9} {'ms/check':>9} {'vs raw':>7}")
        first_order = 1
        for workers in (int(w) for w in options.workers.split(",")):
            elapsed = consumer_run(app, workers, options.checks, first_order)
            first_order += options.checks
            per_check = elapsed / options.checks
            print(f"{workers:>7} {options.checks:>6} {elapsed:>8.2f} {options.checks / elapsed:>9.2f} "
                  f"{per_check * 1000:>9.0f} {per_check / raw:>6.2f}x")
        print("vs raw: wall time per check over the raw command's; 1 worker should stay <= 1.2x, "
              "and checks/s should grow with workers up to the cores free.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
