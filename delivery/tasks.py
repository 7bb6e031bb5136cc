"""The background tasks (PDF rendering, statistics refresh, the plan page's run) on the queue.

Tasks take ids, never objects, and read the database themselves, so a task that runs twice or late
does the same thing. They register on `delivery.queue.huey` (configured by create_app, which also
hands them to services through services/jobs.py); the consumer runs them in the app its entry
point, delivery/worker.py, builds. Every run is recorded from Huey's signals (delivery/task_runs.py).
"""
from __future__ import annotations

from datetime import date
from functools import partial

from flask import current_app
from huey import crontab

from delivery import printing, task_runs, watchdog
from delivery.extensions import db
from delivery.queue import app_context, huey
from delivery.services import courier_stats, planning, receipts

# Record every task's life wherever tasks run: the web app (immediate mode) and every consumer.
huey.signal()(task_runs.record)


# --- Courier statistics (dispatch.md) ---------------------------------------------------------------
# Both tasks recompute from the database; neither carries figures, so a retry or a late run is harmless.


@huey.task(retries=3, retry_delay=5)
def refresh_courier_stats_task(courier_id: int) -> None:
    """Recompute one courier's statistics after a completion has committed."""
    with app_context():
        courier_stats.refresh_courier_stats(db.session(), courier_id)


@huey.periodic_task(crontab(hour=0, minute=5))
def refresh_all_courier_stats_task() -> None:
    """Recompute every courier's statistics once a day, so idle days lower avg_day_orders."""
    with app_context():
        courier_stats.refresh_all(db.session())


# --- The plan page's background run ---------------------------------------------------------------


@huey.task()
def plan_day(day_iso: str) -> None:
    """Plan every waiting order for the day through the Lavka planning service (the plan page's run)."""
    with app_context():
        planning.assign_orders(db.session(), date.fromisoformat(day_iso),
                               time_limit=current_app.config["PLAN_TIME_LIMIT"])


# --- Receipts (receipts.md) ------------------------------------------------------------------------
# Retried with a pause: a busy database or a wkhtmltopdf crash is often gone a few seconds later.
@huey.task(retries=3, retry_delay=5, context=True)
def render_check(check_id: int, force: bool = False, task=None) -> str:
    """Render one check's PDF (`MEDIA_ROOT/pdf/<order id>_<type>.pdf`) and mark it rendered.

    Each call runs wkhtmltopdf in its own process, with no lock shared between workers, so N
    consumers (or N worker threads) render N checks at once; a lease on the check keeps two from
    rendering the same one. The last retry's failure marks the check failed.
    """
    with app_context():
        return receipts.render_check(
            db.session(),
            int(check_id),
            partial(printing.render_check_pdf, binary=current_app.config["WKHTMLTOPDF"]),
            media_root=current_app.config["MEDIA_ROOT"],
            force=force,
            lease_seconds=current_app.config["CHECK_LEASE_SECONDS"],
            final=task is not None and not task.retries,
        )


# --- Each consumer process's watchdog (delivery/watchdog.py) -------------------------------------------
# Startup hooks run in consumer workers only, never in the web app: heartbeat, leases, lost checks.


@huey.on_startup()
def start_consumer_watchdog() -> None:
    """Start this consumer process's watchdog with its first worker."""
    watchdog.start_watchdog(app_context, render_check, huey.pending_count)


@huey.on_shutdown()
def stop_consumer_watchdog() -> None:
    """Stop the watchdog with the process's last worker."""
    watchdog.stop_watchdog()

