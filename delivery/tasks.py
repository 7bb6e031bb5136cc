"""Huey: the queue instance and the background tasks (PDF rendering, statistics refresh).

Tasks take ids, never objects, and read the database themselves, so a task that runs twice or late
does the same thing. The consumer imports this module and builds its own app for the database.
`configure_huey` points the same Huey object at Redis (REDIS_URL set), at SQLite under instance/
(the embedded default) or, in tests, at immediate in-memory execution.
"""
from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage

from delivery.config import load_settings

huey = Huey("delivery", storage_class=SqliteStorage, filename=load_settings()["HUEY_SQLITE_PATH"])

_app: Flask | None = None
_app_lock = threading.Lock()


def configure_huey(settings: dict[str, Any]) -> Huey:
    """Point the queue at Redis or SQLite from the settings; immediate mode runs tasks in-process."""
    huey.name = settings["HUEY_NAME"]
    if settings["REDIS_URL"]:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": settings["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": settings["HUEY_SQLITE_PATH"]}
    # Assigning immediate recreates the storage only when the flag changes, so do both explicitly.
    huey._immediate = bool(settings["HUEY_IMMEDIATE"])
    huey.storage = huey.create_storage()
    return huey


def app_context():
    """An app context for a task: the caller's in immediate mode, else the consumer's own app."""
    global _app
    if has_app_context():
        return nullcontext()
    with _app_lock:
        if _app is None:
            from delivery.app import create_app

            _app = create_app()
    return _app.app_context()


configure_huey(load_settings())

from delivery import logs  # noqa: E402  (the consumer logs like the web app)

logs.configure_consumer(huey, load_settings())


# --- Courier statistics (dispatch.md) ---------------------------------------------------------------
# Both tasks recompute from the database; neither carries figures, so a retry or a late run is harmless.


@huey.task(retries=3, retry_delay=5)
def refresh_courier_stats_task(courier_id: int) -> None:
    """Recompute one courier's statistics after a completion has committed."""
    from delivery.extensions import db
    from delivery.services.courier_stats import refresh_courier_stats

    with app_context():
        refresh_courier_stats(db.session(), courier_id)


@huey.periodic_task(crontab(hour=0, minute=5))
def refresh_all_courier_stats_task() -> None:
    """Recompute every courier's statistics once a day, so idle days lower avg_day_orders."""
    from delivery.extensions import db
    from delivery.services.courier_stats import refresh_all

    with app_context():
        refresh_all(db.session())


# --- The plan page's background run ---------------------------------------------------------------


@huey.task()
def plan_day(day_iso: str) -> None:
    """Plan every waiting order for the day through the Lavka planning service (the plan page's run)."""
    from datetime import date

    from delivery.extensions import db
    from delivery.services import planning

    with app_context():
        planning.assign_orders(db.session(), date.fromisoformat(day_iso))


# --- Receipts (receipts.md) ------------------------------------------------------------------------
# Retried with a pause: a busy database or a wkhtmltopdf crash is often gone a few seconds later.
@huey.task(retries=3, retry_delay=5, context=True)
def render_check(check_id: int, force: bool = False, task=None) -> str:
    """Render one check's PDF (`MEDIA_ROOT/pdf/<order id>_<type>.pdf`) and mark it rendered.

    Each call runs wkhtmltopdf in its own process, with no lock shared between workers, so N
    consumers (or N worker threads) render N checks at once; a lease on the check keeps two from
    rendering the same one. The last retry's failure marks the check failed.
    """
    from flask import current_app

    from delivery.extensions import db
    from delivery.services import receipts

    with app_context():
        return receipts.render_check(
            db.session,
            int(check_id),
            binary=current_app.config["WKHTMLTOPDF"],
            media_root=current_app.config["MEDIA_ROOT"],
            force=force,
            lease_seconds=current_app.config["CHECK_LEASE_SECONDS"],
            final=task is not None and not task.retries,
        )


# --- Each consumer process's watchdog (services/consumers.py) -------------------------------------------
# Startup hooks run in consumer workers only, never in the web app: heartbeat, leases, lost checks.


@huey.on_startup()
def start_consumer_watchdog() -> None:
    """Start this consumer process's watchdog with its first worker."""
    from delivery.services import consumers

    consumers.start_watchdog(app_context, render_check, huey.pending_count)


@huey.on_shutdown()
def stop_consumer_watchdog() -> None:
    """Stop the watchdog with the process's last worker."""
    from delivery.services import consumers

    consumers.stop_watchdog()


# Connect the monitor's signal handlers wherever tasks run: the web app and every consumer.
from delivery.services import task_monitor  # noqa: E402,F401
