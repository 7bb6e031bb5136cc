"""No check is stuck: render leases, the consumers' sweep of lost checks, failed checks, lost task runs.

In-process on both databases; the same guarantees against real killed consumers and a Redis that
goes away are in test_faults.py.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from delivery.models import Check, ConsumerBeat, TaskRun
from delivery.services import consumers
from delivery.services.clock import utcnow
from delivery.tasks import render_check
from delivery.watchdog import Watchdog
from tests.helpers import HX, run_retries

SWEEP = {"requeue_after": 30, "max_attempts": 5}


@pytest.fixture
def unqueued(client, printers, order, monkeypatch):
    """Order 123456's two checks, stored while the broker was down: their tasks never got queued."""
    def broker_down(check_id, force=False):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("delivery.tasks.render_check", broker_down)
    response = client.post("/create_checks/", json=order)
    monkeypatch.undo()
    assert response.status_code == 200  # stored, and rendered later: never 200 with checks no one renders
    return printers


def _set(session, check_id, **values):
    session.execute(update(Check).where(Check.id == check_id).values(**values))
    session.commit()


def _check(session, check_id) -> Check:
    session.expire_all()
    return session.get(Check, check_id)


def test_checks_stored_while_the_broker_is_down_are_queued_by_the_next_sweep(app, unqueued, fake_pdf):
    assert [c.queued_at for c in unqueued.scalars(select(Check))] == [None, None]
    assert consumers.requeue_lost(unqueued, render_check, **SWEEP) == (2, 0)  # immediate mode renders
    assert set(unqueued.scalars(select(Check.status))) == {"rendered"}
    assert len(fake_pdf) == 2


def test_a_check_whose_task_is_queued_is_left_to_it(app, client, printers, order, monkeypatch):
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id: None)  # queued, not run yet
    assert client.post("/create_checks/", json=order).status_code == 200
    queued = []
    assert consumers.requeue_lost(printers, queued.append, **SWEEP) == (0, 0) and queued == []
    # The task was lost on the way (the web process died after the commit): once it is overdue, queued again.
    _set(printers, 1, queued_at=utcnow() - timedelta(seconds=31))
    assert consumers.requeue_lost(printers, queued.append, **SWEEP) == (1, 0) and queued == [1]
    assert consumers.requeue_lost(printers, queued.append, **SWEEP) == (0, 0)  # now queued afresh


def test_a_backlog_in_the_queue_is_not_doubled(app, client, printers, order, monkeypatch):
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id: None)  # queued behind others
    assert client.post("/create_checks/", json=order).status_code == 200
    _set(printers, 1, queued_at=utcnow() - timedelta(seconds=31))
    queued = []
    assert consumers.requeue_lost(printers, queued.append, backlog=True, **SWEEP) == (0, 0)
    _set(printers, 1, queued_at=utcnow() - timedelta(seconds=301))
    assert consumers.requeue_lost(printers, queued.append, backlog=True, **SWEEP) == (1, 0) and queued == [1]


def test_a_lease_keeps_a_second_render_out_until_it_runs_out(app, unqueued, fake_pdf):
    assert consumers.claim(unqueued, 1, "host-a:1", 30)
    assert not consumers.claim(unqueued, 1, "host-b:2", 30)
    assert render_check.call_local(1) == "held" and fake_pdf == []
    queued = []
    assert consumers.requeue_lost(unqueued, queued.append, **SWEEP) == (1, 0) and queued == [2]  # not 1: held
    # Its consumer died mid-render: nobody renews the lease, it runs out, and the check is queued again.
    _set(unqueued, 1, lease_until=utcnow() - timedelta(seconds=1))
    assert consumers.requeue_lost(unqueued, render_check, **SWEEP) == (1, 0)
    check = _check(unqueued, 1)
    assert (check.status, check.attempts, check.lease_owner, check.lease_until) == ("rendered", 2, None, None)
    assert len(fake_pdf) == 1


def test_the_owner_renews_its_leases(app, unqueued):
    assert consumers.claim(unqueued, 1, "host-a:1", 1)
    before = _check(unqueued, 1).lease_until
    assert consumers.renew_leases(unqueued, "host-a:1", 60) == 1
    assert consumers.renew_leases(unqueued, "host-b:2", 60) == 0
    assert _check(unqueued, 1).lease_until > before + timedelta(seconds=30)


def test_a_check_lost_too_often_is_failed_and_shown(app, signed_in, unqueued):
    _set(unqueued, 1, attempts=5, lease_owner="gone:1", lease_until=utcnow() - timedelta(seconds=1))
    queued = []
    assert consumers.requeue_lost(unqueued, queued.append, **SWEEP) == (1, 1) and queued == [2]
    check = _check(unqueued, 1)
    assert check.status == "new" and check.failed and "gave up after 5 attempts" in check.last_error
    page = signed_in.get("/ui/checks?status=failed", headers=HX).get_data(as_text=True)
    assert 'id="check-1" data-status="failed"' in page and 'id="check-2"' not in page
    assert consumers.requeue_lost(unqueued, queued.append, **SWEEP) == (0, 0)  # failed stays put


def test_a_failed_check_rendered_by_hand_is_no_longer_failed(app, unqueued, fake_pdf):
    _set(unqueued, 1, failed_at=utcnow(), last_error="OSError: disk full")
    assert render_check.call_local(1) == "rendered"
    check = _check(unqueued, 1)
    assert (check.status, check.failed_at, check.last_error) == ("rendered", None, None)


def test_the_last_retry_failing_marks_the_check_failed(app, client, printers, order, monkeypatch):
    def crash(html, target, binary):
        raise OSError("wkhtmltopdf crashed")

    monkeypatch.setattr("delivery.printing.html_to_pdf", crash)
    assert client.post("/create_checks/", json=order).status_code == 200
    check = _check(printers, 1)
    assert not check.failed and check.lease_owner is None  # the retry is due: not failed yet
    assert run_retries() == 6
    check = _check(printers, 1)
    assert check.failed and check.attempts == 4 and "wkhtmltopdf crashed" in check.last_error


def test_a_broker_failure_during_the_sweep_keeps_the_check_for_the_next(app, unqueued):
    def broker_down(check_id):
        raise ConnectionError("Connection refused")

    assert consumers.requeue_lost(unqueued, broker_down, **SWEEP) == (0, 0)
    assert [c.queued_at for c in unqueued.scalars(select(Check))] == [None, None]


def test_the_watchdog_beats_and_sweeps(app, unqueued, fake_pdf):
    watchdog = Watchdog(app.app_context, render_check, lambda: 0)
    watchdog.tick()
    beat = unqueued.scalar(select(ConsumerBeat))
    assert beat.id == consumers.consumer_id() and consumers.last_beat(unqueued) == beat.beat_at
    unqueued.expire_all()
    assert set(unqueued.scalars(select(Check.status))) == {"rendered"}


def _executing_run(session, worker: str, started_ago: float) -> TaskRun:
    run = TaskRun(task_id=f"t-{worker}", name="delivery.tasks.render_check", args='{"args": [1], "kwargs": {}}',
                  status="executing", worker=worker, enqueued_at=utcnow(),
                  started_at=utcnow() - timedelta(seconds=started_ago))
    session.add(run)
    session.commit()
    return run


def test_a_run_whose_consumer_died_is_lost_and_retried(app, signed_in, unqueued, fake_pdf):
    consumers.beat(unqueued, "alive:1", utcnow())
    _executing_run(unqueued, "alive:1", 120)  # a long render on a live consumer
    _executing_run(unqueued, "dead:2", 120)  # its consumer never beat again
    _executing_run(unqueued, "new:3", 1)  # started a moment ago
    page = signed_in.get("/ui/tasks?status=lost", headers=HX).get_data(as_text=True)
    unqueued.expire_all()
    statuses = {r.worker: r.status for r in unqueued.scalars(select(TaskRun))}
    assert statuses == {"alive:1": "executing", "dead:2": "lost", "new:3": "executing"}
    assert "/ui/tasks/t-dead:2/retry" in page and consumers.LOST_RUN in page
    response = signed_in.post("/ui/tasks/t-dead:2/retry", headers=HX)
    assert response.status_code == 200 and "Queued again as" in response.get_data(as_text=True)
    assert _check(unqueued, 1).status == "rendered"
