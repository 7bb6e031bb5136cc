"""End to end through a real queue: the post queues tasks, a Huey Consumer's threads render them.

Uses the configured queue storage (Redis when TEST_REDIS_URL is set, else a SQLite file), not the
immediate mode of the other tests, so the tasks really cross the queue after the commit.
"""
from __future__ import annotations

import time

import pytest
from huey.consumer import Consumer
from sqlalchemy import select

from delivery import queue
from delivery.models import Check


@pytest.fixture
def queued_app(app, base_config):
    """The test app with a real queue; immediate mode comes back afterwards."""
    queue.init_app(app, {**app.config, "HUEY_IMMEDIATE": False})  # consumer threads run in this app
    queue.huey.flush()
    yield app
    queue.huey.flush()
    queue.init_app(app, {**app.config, "HUEY_IMMEDIATE": True})


def test_posted_order_is_rendered_by_consumer_workers(queued_app, client, printers, order, fake_pdf):
    order["point_id"] = 3  # three printers: three tasks for two workers
    assert client.post("/create_checks/", json=order).status_code == 200
    assert set(printers.scalars(select(Check.status))) == {"new"}
    assert len(queue.huey) == 3  # one task per check, waiting in the queue

    consumer = Consumer(queue.huey, workers=2, periodic=False, initial_delay=0.01, max_delay=0.05,
                        check_worker_health=False)
    consumer.start()
    try:
        for _ in range(400):  # bounded wait, no timing asserted
            printers.rollback()
            if set(printers.scalars(select(Check.status))) == {"rendered"}:
                break
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    assert set(printers.scalars(select(Check.status))) == {"rendered"}
    assert client.get("/new_checks/?api_key=key5").get_json() == {"checks": [{"id": 1}]}
    assert client.get("/check/?api_key=key7&check_id=3").headers["Content-Disposition"] == (
        'attachment; filename="123456_kitchen.pdf"')
