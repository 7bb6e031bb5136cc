"""The pages that queue a task while the queue (Redis) cannot be reached: a 503 that says so, never a
500, and a failed run stays failed for a Retry once Redis is back."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from delivery.models import Check, TaskRun
from delivery.services.jobs import QUEUE_DOWN
from delivery.services.users import create_user
from delivery import queue
from delivery.testing import free_port
from tests.helpers import HX


@pytest.fixture
def queue_down(make_app, app, session):
    """A signed-in client of an app whose Redis queue is not there (nothing listens on its port)."""
    broken = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", HUEY_IMMEDIATE=False)
    create_user(session, "ops", "secret-pass", "dispatcher")
    client = broken.test_client()
    assert client.post("/login", data={"username": "ops", "password": "secret-pass"}).status_code == 302
    yield client
    # The queue is process-wide: point it back at `app` (the `app` fixture also re-points the queue
    # and the rate limiter for the next test).
    queue.init_app(app, app.config)


def test_retry_while_the_queue_is_down_is_a_503_and_the_run_stays_failed(queue_down, session):
    session.add(TaskRun(task_id="t-1", name="delivery.tasks.render_check", args='{"args": [1], "kwargs": {}}',
                        status="error", error="OSError: disk full"))
    session.commit()
    response = queue_down.post("/ui/tasks/t-1/retry", headers=HX)
    assert response.status_code == 503 and QUEUE_DOWN in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(TaskRun.status).where(TaskRun.task_id == "t-1")) == "error"


def test_rerendering_a_check_while_the_queue_is_down_says_so(queue_down, session):
    from delivery.services.receipts import create_printer

    printer = create_printer(session, 1, "client")
    session.add(Check(printer_id=printer.id, type="client", order={"id": 7}, order_id=7, status="printed"))
    session.commit()
    one = queue_down.post("/ui/checks/1/render", headers=HX)
    assert one.status_code == 200 and QUEUE_DOWN in one.get_data(as_text=True)
    ticked = queue_down.post("/ui/checks/render-selected", data={"ids": ["1"]}, headers=HX)
    assert ticked.status_code == 200 and f"1: {QUEUE_DOWN}" in ticked.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Check.status)) == "printed"


def test_planning_while_the_queue_is_down_is_a_503(queue_down):
    response = queue_down.post("/ui/plan", data={"date": "2026-05-01"}, headers=HX)
    assert response.status_code == 503 and QUEUE_DOWN in response.get_data(as_text=True)
