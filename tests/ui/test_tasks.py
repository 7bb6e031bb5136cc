"""The Huey monitor: runs recorded from signals, the tasks page, retry, and the home counts."""
from __future__ import annotations

from sqlalchemy import select

from delivery.models import TaskRun
from delivery.queue import huey
from tests.helpers import HX, both

CALLS: list[int] = []


@huey.task()
def sometimes_fails(n: int) -> int:
    """A task that fails on its first call and succeeds after."""
    CALLS.append(n)
    if len(CALLS) == 1:
        raise RuntimeError("printer on fire")
    return n


@huey.task()
def adds(a: int, b: int) -> int:
    return a + b


def test_runs_are_recorded(app, session):
    with app.app_context():
        adds(2, 3)
    run = session.scalar(select(TaskRun))
    assert run.status == "complete" and run.name.endswith(".adds")
    assert run.args == '{"args": [2, 3], "kwargs": {}}'
    assert run.enqueued_at is not None and run.started_at is not None and run.duration is not None


def test_failure_is_shown_and_retried(signed_in, app, session):
    CALLS.clear()
    with app.app_context():
        sometimes_fails(7)
    session.rollback()  # end the fixture's read snapshot (SQLite): the monitor wrote on its own connection
    failed = session.scalar(select(TaskRun))
    assert failed.status == "error" and "RuntimeError: printer on fire" in failed.error
    full, fragment = both(signed_in, "/ui/tasks")
    for text in (full, fragment):
        assert "printer on fire" in text and f"/ui/tasks/{failed.task_id}/retry" in text
        assert 'data-count="failed">1<' in text
    _, home = both(signed_in, "/")
    assert 'data-count="tasks-failed"' in home and ">1</span> failed" in home

    response = signed_in.post(f"/ui/tasks/{failed.task_id}/retry", headers=HX)
    assert response.status_code == 200 and "Queued again as" in response.get_data(as_text=True)
    session.rollback()
    runs = {r.status: r for r in session.scalars(select(TaskRun))}
    assert set(runs) == {"retried", "complete"} and CALLS == [7, 7]
    again = signed_in.post(f"/ui/tasks/{failed.task_id}/retry", headers=HX)
    assert again.status_code == 409 and "has not failed" in again.get_data(as_text=True)


def test_status_filter_and_unknown_retry(signed_in, app, session):
    with app.app_context():
        adds(1, 1)
    session.rollback()
    _, text = both(signed_in, "/ui/tasks?status=error")
    assert "No runs recorded yet" in text
    _, text = both(signed_in, "/ui/tasks?status=complete")
    assert "adds" in text and "<code>1, 1</code>" in text
    assert signed_in.post("/ui/tasks/nope/retry").status_code == 302


def test_a_broken_monitor_never_breaks_a_task(app, monkeypatch):
    from delivery import task_runs

    def explode(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(task_runs, "_upsert", explode)
    with app.app_context():
        assert adds(4, 5).get() == 9
