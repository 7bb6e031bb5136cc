"""Starting a day's planning run and reading its record (the day's timeline is in read_models.timeline)."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import TaskRun
from delivery.services import jobs, task_monitor


def start_run(session: Session, day: date) -> str:
    """Queue the planning of `day`; return the Huey task id to follow."""
    # End this request's read transaction first: the run's record is written on the monitor's own
    # connection, and an older SQLite snapshot would not show it to the status read that follows.
    session.commit()
    try:
        result = jobs.queued().plan_day(day.isoformat())
    except Exception as error:  # Redis down: say so, rather than a 500
        raise ApiError(503, task_monitor.QUEUE_DOWN) from error
    return result.id if result is not None else ""


def run_status(session: Session, task_id: str) -> TaskRun:
    """The planning run's record (status, duration, error); 404 when unknown."""
    return task_monitor.get_run(session, task_id)
