"""The Huey monitor: every task's life recorded from Huey's signals, read back for the tasks page.

The signal handler runs inside Huey, in the web process (immediate mode) or in the consumer. It
writes through its own connection, never the caller's session, so recording a task can neither
commit nor roll back the work of the request or task around it; and it swallows every error of its
own, so a broken monitor never breaks a task.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field

from huey import signals as S
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.extensions import db
from delivery.models import TaskRun
from delivery.services.clock import utcnow
from delivery.services.consumers import consumer_id, mark_lost_runs
from delivery.queue import app_context, huey, task_name

log = logging.getLogger(__name__)

QUEUED = ("enqueued", "scheduled", "retrying")
# `lost`: still executing on a consumer that stopped beating (services/consumers.py marks it).
FAILED = ("error", "expired", "revoked", "canceled", "timeout", "interrupted", "locked", "lost")
QUEUE_DOWN = "The task queue cannot be reached; try again in a moment."
# Signals whose arrival ends a run (no "executing" after them unless it is retried).
_FINAL = {S.SIGNAL_COMPLETE, S.SIGNAL_ERROR, S.SIGNAL_EXPIRED, S.SIGNAL_REVOKED, S.SIGNAL_CANCELED,
          S.SIGNAL_TIMEOUT, S.SIGNAL_INTERRUPTED, S.SIGNAL_LOCKED}
# Executing and complete arrive in the same process: time the run there, not from clocks of two hosts.
_started: dict[str, float] = {}
_started_lock = threading.Lock()


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



@dataclass
class Overview:
    """What the tasks page shows."""

    queued: int = 0
    scheduled: int = 0
    queue_error: str = ""
    by_status: dict[str, int] = field(default_factory=dict)
    recent: list[TaskRun] = field(default_factory=list)
    failures: list[TaskRun] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(self.by_status.get(s, 0) for s in FAILED)


def counts(session: Session) -> tuple[int, int]:
    """(queued, failed) runs, for the home page."""
    by_status = dict(session.execute(select(TaskRun.status, func.count()).group_by(TaskRun.status)).all())
    queued = sum(by_status.get(s, 0) for s in QUEUED)
    failed = sum(by_status.get(s, 0) for s in FAILED)
    return queued, failed


def overview(session: Session, status: str = "", limit: int = 50, lost_after: float | None = None) -> Overview:
    """Queue sizes from the broker, recent runs (optionally of one status) and failures from the records.

    With `lost_after`, runs still executing on a consumer silent that many seconds are marked lost
    first, so the page shows them even while no consumer runs to do it.
    """
    if lost_after is not None:
        mark_lost_runs(session, lost_after)
    result = Overview()
    try:
        result.queued = huey.pending_count()
        result.scheduled = huey.scheduled_count()
    except Exception as error:  # the broker may be down: show that rather than a 500
        result.queue_error = f"{type(error).__name__}: {error}"
    result.by_status = dict(
        session.execute(select(TaskRun.status, func.count()).group_by(TaskRun.status)).all()
    )
    recent = select(TaskRun).order_by(TaskRun.enqueued_at.desc(), TaskRun.id.desc()).limit(limit)
    if status:
        recent = recent.where(TaskRun.status == status)
    result.recent = list(session.scalars(recent))
    result.failures = list(
        session.scalars(
            select(TaskRun).where(TaskRun.status.in_(FAILED)).order_by(TaskRun.id.desc()).limit(limit)
        )
    )
    return result


def get_run(session: Session, task_id: str) -> TaskRun:
    """One recorded run by Huey task id; 404 when unknown."""
    run = session.scalar(select(TaskRun).where(TaskRun.task_id == task_id))
    if run is None:
        raise ApiError(404, "No such task")
    return run


def retry(session: Session, task_id: str) -> str:
    """Queue a failed run again with its own arguments; return the new task id."""
    run = get_run(session, task_id)
    if run.status not in FAILED:
        raise ApiError(409, f"Task {task_id} has not failed")
    if run.name not in huey.tasks:
        raise ApiError(409, f"Task {run.name} is not known to this app")
    task_class = huey.tasks[run.name].task_class
    stored = json.loads(run.args or "{}")
    # Mark the old run handled before queueing, so it leaves the failures list even in immediate mode.
    previous = run.status
    session.execute(update(TaskRun).where(TaskRun.id == run.id).values(status="retried"))
    session.commit()
    task = task_class(args=tuple(stored.get("args", ())), kwargs=stored.get("kwargs", {}))
    try:
        huey.enqueue(task)
    except Exception as error:  # Redis down: the run stays failed, to retry once it is back
        session.execute(update(TaskRun).where(TaskRun.id == run.id).values(status=previous))
        session.commit()
        raise ApiError(503, QUEUE_DOWN) from error
    return task.id
