"""The queue's edge of the task monitor: every task's life recorded from Huey's signals, a failed run
queued again by its task's name, and the queue's sizes for the tasks page.

`delivery.tasks` connects `record` to Huey's signals, so runs are recorded wherever tasks run: the web
process (immediate mode) and every consumer. The handler writes through its own connection, never the
caller's session, so recording a task can neither commit nor roll back the work of the request or task
around it; and it swallows every error of its own, so a broken monitor never breaks a task. Reading
the records back is a plain query: `services/read_models/tasks.py`.
"""
from __future__ import annotations

import json
import logging
import threading
import time

from huey import signals as S
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from delivery.domain.errors import Conflict, Unavailable
from delivery.domain.task_status import FAILED, RETRIED
from delivery.extensions import db
from delivery.models import TaskRun
from delivery.queue import app_context, huey, task_name
from delivery.services.clock import utcnow
from delivery.services.consumers import consumer_id
from delivery.services.jobs import queueing
from delivery.services.read_models.tasks import get_run
from delivery.services.tx import write_transaction

log = logging.getLogger(__name__)

# Signals whose arrival ends a run (no "executing" after them unless it is retried).
_FINAL = {S.SIGNAL_COMPLETE, S.SIGNAL_ERROR, S.SIGNAL_EXPIRED, S.SIGNAL_REVOKED, S.SIGNAL_CANCELED,
          S.SIGNAL_TIMEOUT, S.SIGNAL_INTERRUPTED, S.SIGNAL_LOCKED}
# Executing and complete arrive in the same process: time the run there, not from clocks of two hosts.
_started: dict[str, float] = {}
_started_lock = threading.Lock()


def queue_sizes() -> tuple[int, int]:
    """(pending, scheduled) tasks, from the broker; raises when it cannot be reached."""
    return huey.pending_count(), huey.scheduled_count()


def _describe_args(task) -> str:
    try:
        text = json.dumps({"args": list(task.args), "kwargs": dict(task.kwargs)}, default=str)
    except Exception:  # an argument json cannot show: keep the row, lose the detail
        text = "{}"
    return text[:500]


def _values(signal: str, task, exc: BaseException | None) -> dict:
    values: dict = {"status": signal, "retries_left": int(task.retries or 0)}
    if signal == S.SIGNAL_ENQUEUED:
        values.update(enqueued_at=utcnow(), error=None, started_at=None, finished_at=None, duration=None)
    elif signal == S.SIGNAL_EXECUTING:
        with _started_lock:
            _started[task.id] = time.monotonic()
        # Who runs it, so the run shows as lost if that consumer dies (none in immediate mode).
        values.update(started_at=utcnow(), finished_at=None, duration=None,
                      worker=None if huey.immediate else consumer_id())
    if signal in _FINAL or signal == S.SIGNAL_RETRYING:
        with _started_lock:
            began = _started.pop(task.id, None)
        if signal != S.SIGNAL_RETRYING:
            values["finished_at"] = utcnow()
        if began is not None and signal != S.SIGNAL_RETRYING:
            values["duration"] = round(time.monotonic() - began, 4)
    if exc is not None:
        values["error"] = f"{type(exc).__name__}: {exc}"[:4000]
    if signal == S.SIGNAL_RETRYING:
        # Error came just before; the run will be queued again, so it is no longer a failure.
        values.pop("finished_at", None)
    return values


def record(signal: str, task, *args) -> None:
    """Huey signal handler: upsert this task's TaskRun row; never raise."""
    try:
        exc = args[0] if args and isinstance(args[0], BaseException) else None
        values = _values(signal, task, exc)
        name = task_name(type(task))[:100]
        with app_context():
            _upsert(task.id, name, _describe_args(task), values)
    except Exception:
        log.exception("task monitor could not record %s of %s", signal, getattr(task, "id", "?"))


def _upsert(task_id: str, name: str, args: str, values: dict) -> None:
    engine = db.engine
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    row = {"task_id": task_id, "name": name, "args": args, **values}
    statement = insert(TaskRun).values(**row).on_conflict_do_update(index_elements=["task_id"], set_=values)
    with engine.begin() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Never hold a task up for long behind another writer: a lost record beats a slow task.
            connection.exec_driver_sql("PRAGMA busy_timeout = 2000")
        try:
            connection.execute(statement)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout = 30000")


def retry(session: Session, task_id: str) -> str:
    """Queue a failed run again with its own arguments; return the new task id.

    `NotFound` for an unknown run, `Conflict` for one that has not failed or whose task this app does
    not know, `Unavailable` while the broker cannot be reached (the run then stays failed).
    """
    run = get_run(session, task_id)
    if run.status not in FAILED:
        raise Conflict(f"Task {task_id} has not failed")
    if run.name not in huey.tasks:
        raise Conflict(f"Task {run.name} is not known to this app")
    stored = json.loads(run.args or "{}")
    task = huey.tasks[run.name].s(*stored.get("args", ()), **stored.get("kwargs", {}))
    run_id, previous = run.id, run.status
    # Mark the old run handled before queueing, so it leaves the failures list even in immediate mode.
    with write_transaction(session):
        session.execute(update(TaskRun).where(TaskRun.id == run_id).values(status=RETRIED))
    try:
        with queueing():
            huey.enqueue(task)
    except Unavailable:  # Redis down: the run stays failed, to retry once it is back
        with write_transaction(session):
            session.execute(update(TaskRun).where(TaskRun.id == run_id).values(status=previous))
        raise
    return task.id
