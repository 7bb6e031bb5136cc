"""The tasks page's read model: the recorded task runs (TaskRun), counted and listed.

Huey's signals record the runs and a failed run is queued again by its name at the queue's edge
(`delivery/task_runs.py`); this module only reads the records back, with a session, and is told the
queue's sizes by its caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from delivery.domain.errors import NotFound
from delivery.domain.task_status import FAILED, QUEUED
from delivery.models import TaskRun



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


def overview(session: Session, queue_sizes: Callable[[], tuple[int, int]], status: str = "", limit: int = 50
             ) -> Overview:
    """Queue sizes (`queue_sizes()`: pending and scheduled, from the broker), recent runs (optionally of
    one status) and failures from the records.
    """
    result = Overview()
    try:
        result.queued, result.scheduled = queue_sizes()
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
    """One recorded run by Huey task id; `NotFound` when unknown."""
    run = session.scalar(select(TaskRun).where(TaskRun.task_id == task_id))
    if run is None:
        raise NotFound("No such task")
    return run
