"""Each Huey consumer process's watchdog: a daemon thread that beats, renews leases and sweeps.

Huey's startup hook (delivery/tasks.py) starts it with the process's first worker and the shutdown
hook stops it with the last. Every HEARTBEAT_SECONDS (read at each beat) it runs, in the configured
app, the steps of services/consumers.py: record this consumer alive, renew its renders' leases, queue
lost checks again (or fail them after CHECK_MAX_ATTEMPTS), mark the runs of silent consumers lost
and forget consumers gone a day. Each step on its own, so a failing one never stops the others.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from flask import current_app

from delivery.extensions import db
from delivery.services import consumers
from delivery.services.clock import utcnow

log = logging.getLogger(__name__)


class Watchdog:
    """Beats for this consumer process, renews its leases and sweeps, in a daemon thread."""

    def __init__(self, app_context: Callable, enqueue: Callable[[int], object], pending: Callable[[], int]):
        self.app_context = app_context
        self.enqueue, self.pending = enqueue, pending
        self.me = consumers.consumer_id()
        self.started_at = utcnow()
        self.interval = 10.0  # HEARTBEAT_SECONDS, read at each beat
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="delivery-watchdog", daemon=True)

    def start(self) -> None:
        # The first beat before any task runs: a run is never taken for lost for want of one.
        self._tick_logged(sweep=False)
        self.thread.start()
        log.info("consumer %s: watchdog started", self.me)

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self._tick_logged()

    def _tick_logged(self, sweep: bool = True) -> None:
        try:
            self.tick(sweep)
        except Exception:  # the thread must outlive any one beat (the database away, say)
            log.exception("consumer %s: watchdog beat failed", self.me)

    def tick(self, sweep: bool = True) -> None:
        """One beat: each step on its own, so a failing one (Redis down) never stops the others."""
        with self.app_context():
            config = current_app.config
            self.interval = float(config["HEARTBEAT_SECONDS"])
            session = db.session()
            steps = [
                lambda: consumers.beat(session, self.me, self.started_at),
                lambda: consumers.renew_leases(session, self.me, config["CHECK_LEASE_SECONDS"]),
            ]
            if sweep:
                steps += [
                    lambda: consumers.requeue_lost(
                        session, self.enqueue, requeue_after=config["CHECK_REQUEUE_SECONDS"],
                        max_attempts=config["CHECK_MAX_ATTEMPTS"], backlog=self.pending() > 0),
                    lambda: consumers.mark_lost_runs(session, config["CONSUMER_SILENCE_SECONDS"]),
                    lambda: consumers.forget_gone_consumers(session),
                ]
            try:
                for step in steps:
                    try:
                        step()
                    except Exception:
                        log.exception("consumer %s: watchdog step failed", self.me)
                        session.rollback()
            finally:
                db.session.remove()


_watchdog: Watchdog | None = None
_users = 0
_watchdog_lock = threading.Lock()


def start_watchdog(app_context: Callable, enqueue: Callable[[int], object], pending: Callable[[], int]) -> None:
    """Start this process's watchdog with its first worker (a Huey startup hook calls it per worker)."""
    global _watchdog, _users
    with _watchdog_lock:
        _users += 1
        if _watchdog is None or _watchdog.me != consumers.consumer_id():  # none yet, or a forked worker process
            _watchdog = Watchdog(app_context, enqueue, pending)
            _watchdog.start()


def stop_watchdog() -> None:
    """Stop the watchdog when this process's last worker shuts down."""
    global _watchdog, _users
    with _watchdog_lock:
        _users = max(0, _users - 1)
        if _users == 0 and _watchdog is not None:
            _watchdog.stop()
            _watchdog = None
