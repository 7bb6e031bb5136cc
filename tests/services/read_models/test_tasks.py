"""The tasks page's read model on the real database: runs counted by status, the recent runs and the
failures listed, the queue's sizes as the broker tells them, and one run by its Huey id."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from delivery.domain import task_status
from delivery.domain.errors import NotFound
from delivery.models import TaskRun
from delivery.services.read_models import tasks
from delivery.services.tx import write_transaction

START = datetime(2026, 3, 1, 9, 0)
STATUSES = [task_status.ENQUEUED, task_status.SCHEDULED, task_status.RETRYING, task_status.EXECUTING,
            "complete", "error", task_status.LOST, task_status.RETRIED, "expired"]


@pytest.fixture
def runs(session):
    """One run of each status, enqueued a minute apart in that order."""
    with write_transaction(session):
        session.add_all([TaskRun(task_id=f"t{n}", name="delivery.tasks.render_check", status=status,
                                 enqueued_at=START + timedelta(minutes=n)) for n, status in enumerate(STATUSES)])
    return session


def test_counts_queued_and_failed_runs(runs):
    # Queued: enqueued, scheduled, retrying; failed: error, lost, expired (retried is handled).
    assert tasks.counts(runs) == (3, 3)


def test_an_empty_install_counts_nothing(session):
    assert tasks.counts(session) == (0, 0)
    overview = tasks.overview(session, lambda: (0, 0))
    assert (overview.by_status, overview.recent, overview.failures, overview.failed) == ({}, [], [], 0)


def test_overview_lists_recent_runs_newest_first_and_the_failures(runs):
    overview = tasks.overview(runs, lambda: (4, 2), limit=3)
    assert (overview.queued, overview.scheduled, overview.queue_error) == (4, 2, "")
    assert overview.by_status == dict.fromkeys(STATUSES, 1) and overview.failed == 3
    assert [run.task_id for run in overview.recent] == ["t8", "t7", "t6"]
    assert [run.status for run in overview.failures] == ["expired", task_status.LOST, "error"]
    one_status = tasks.overview(runs, lambda: (0, 0), status="complete")
    assert [run.task_id for run in one_status.recent] == ["t4"]


def test_overview_says_when_the_broker_cannot_be_reached(runs):
    def down():
        raise ConnectionError("Redis refused")

    overview = tasks.overview(runs, down)
    assert overview.queue_error == "ConnectionError: Redis refused"
    assert (overview.queued, overview.scheduled) == (0, 0) and len(overview.recent) == len(STATUSES)


def test_get_run_by_its_huey_id(runs):
    assert tasks.get_run(runs, "t3").status == task_status.EXECUTING
    with pytest.raises(NotFound) as unknown:
        tasks.get_run(runs, "nope")
    assert unknown.value.message == "No such task"
