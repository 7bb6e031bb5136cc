"""Faults with real processes, on PostgreSQL and Redis: a Huey consumer killed with SIGKILL mid-render,
and a private redis-server shut down and started again under a live gunicorn and consumer.

Nothing is lost: every check is rendered once a consumer runs again, none twice; no Lavka request
gets a 5xx while Redis is away, and everything recovers with no restart. The consumers run with
short heartbeats and leases (seconds, not the production tens of seconds); nothing asserts on time,
every wait is bounded.
"""
from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from delivery import queue
from delivery.models import Check, TaskRun
from delivery.testing import (
    FAST_WATCHDOG,
    free_port,
    kill_group,
    process_env,
    slow_wkhtmltopdf,
    start_consumer,
    start_gunicorn,
    start_redis,
    stop_process,
)
from tests.helpers import HX, TEST_DATABASE_URL, TEST_REDIS_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not (TEST_DATABASE_URL and TEST_REDIS_URL), reason="needs PostgreSQL and Redis"),
]



def fault_env(base_config: dict, **settings: str) -> dict[str, str]:
    """The environment of this test's processes: the session's database, a queue of their own."""
    return process_env(**{
        "DATABASE_URL": base_config["DATABASE_URL"], "REDIS_URL": TEST_REDIS_URL,
        "MEDIA_ROOT": base_config["MEDIA_ROOT"], "HUEY_NAME": f"delivery-fault-{uuid.uuid4().hex[:8]}",
        "RATE_LIMIT": "off", **FAST_WATCHDOG, **settings,
    })


def wait_for(condition, limit: float = 120.0, step: float = 0.2) -> bool:
    """Poll `condition` until it holds or `limit` seconds pass; tell which."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def run_status(session, task_id: str) -> str | None:
    session.rollback()
    return session.scalar(select(TaskRun.status).where(TaskRun.task_id == task_id))


def statuses(session) -> dict[int, str]:
    session.rollback()  # a fresh snapshot: the consumers write on their own connections
    return dict(session.execute(select(Check.id, Check.status)).all())


@pytest.fixture
def web_queue(app, monkeypatch):
    """Point this process's queue at a consumer's Redis queue (the test client then enqueues for real)."""
    def use(env: dict[str, str]):
        queue.init_app(app, {**app.config, "HUEY_IMMEDIATE": False, "REDIS_URL": env["REDIS_URL"],
                             "HUEY_NAME": env["HUEY_NAME"]})
    yield use
    queue.huey.flush()
    queue.init_app(app, app.config)


def test_consumer_killed_mid_render_loses_no_check_and_renders_none_twice(
    app, client, login, printers, order, base_config, web_queue, wkhtmltopdf, tmp_path
):
    renders = tmp_path / "renders.log"  # one line per wkhtmltopdf run: the pid of the consumer running it
    renders.touch()
    env = fault_env(base_config, WKHTMLTOPDF=str(slow_wkhtmltopdf(tmp_path, 2, renders, wkhtmltopdf)))
    web_queue(env)
    first = start_consumer(env, log=tmp_path / "first.log")
    second = None
    try:
        for order_id in range(1, 7):  # point 1 has two printers: 12 checks
            assert client.post("/create_checks/", json={**order, "id": order_id}).status_code == 200
        assert wait_for(lambda: renders.read_text().split().count(str(first.pid)) >= 2, 60), "no render began"
        kill_group(first)  # SIGKILL, with its wkhtmltopdf children, in the middle of two renders

        first_id = f"{socket.gethostname()}:{first.pid}"
        printers.rollback()
        in_flight = set(printers.scalars(select(Check.id).where(Check.status == "new", Check.lease_owner == first_id)))
        left = [i for i, s in statuses(printers).items() if s == "new"]
        assert in_flight and len(statuses(printers)) == 12

        second = start_consumer(env, log=tmp_path / "second.log")
        assert wait_for(lambda: set(statuses(printers).values()) == {"rendered"}), statuses(printers)
        checks = printers.scalars(select(Check).order_by(Check.id)).all()
        assert all(Path(base_config["MEDIA_ROOT"], c.pdf_file).is_file() for c in checks)
        # None twice: one claim per check, plus one for each render the kill cut short ...
        assert {c.id: c.attempts for c in checks} == {c.id: 2 if c.id in in_flight else 1 for c in checks}
        # ... and the new consumer ran wkhtmltopdf exactly once for each check left unrendered.
        assert renders.read_text().split().count(str(second.pid)) == len(left)

        # The killed consumer's runs show as lost, and Retry queues one again.
        def lost_runs():
            printers.rollback()
            return printers.scalars(select(TaskRun).where(TaskRun.worker == first_id, TaskRun.status == "lost")).all()

        assert wait_for(lambda: len(lost_runs()) == len(in_flight), 30)
        login("dispatcher")
        page = client.get("/ui/tasks?status=lost", headers=HX).get_data(as_text=True)
        lost = lost_runs()[0]
        assert f"/ui/tasks/{lost.task_id}/retry" in page
        response = client.post(f"/ui/tasks/{lost.task_id}/retry", headers=HX)
        assert response.status_code == 200, response.get_data(as_text=True)
        new_id = response.get_data(as_text=True).split("Queued again as ")[1].split(".")[0]
        assert wait_for(lambda: run_status(printers, new_id) == "complete", 60)
        assert renders.read_text().split().count(str(second.pid)) == len(left)  # the retry found it rendered
    finally:
        if first.poll() is None:
            kill_group(first)
        if second is not None:
            stop_process(second)


def test_redis_shut_down_and_restarted_loses_no_check_and_gives_no_5xx(
    app, printers, order, base_config, wkhtmltopdf, tmp_path
):
    import redis

    port = free_port()
    prefix = f"delivery-fault-{uuid.uuid4().hex[:8]}"
    env = fault_env(base_config, REDIS_URL=f"redis://127.0.0.1:{port}/0", RATE_LIMIT="1000/second",
                    RATE_LIMIT_PREFIX=prefix)
    server, _ = start_redis(port)
    try:
        web, base = start_gunicorn(env, workers=2, threads=4)
    except RuntimeError:
        stop_process(server)
        raise
    consumer = start_consumer(env, log=tmp_path / "consumer.log")
    codes: list[int] = []
    http = requests.Session()

    def call(method: str, path: str, **kwargs) -> requests.Response:
        response = http.request(method, base + path, timeout=30, **kwargs)
        codes.append(response.status_code)
        return response

    def readyz() -> requests.Response:  # its 503s are answers, not failures: kept out of `codes`
        return http.get(base + "/readyz", timeout=30)

    def lavka() -> None:
        assert call("GET", "/couriers").status_code == 200
        assert call("GET", "/orders/1").status_code == 404

    try:
        lavka()
        assert call("POST", "/create_checks/", json={**order, "id": 1}).status_code == 200
        assert wait_for(lambda: readyz().status_code == 200, 30)

        stop_process(server)  # Redis goes away, with whatever it had queued
        for order_id in (2, 3, 4):
            lavka()
            # Stored, and rendered once Redis is back: never a 200 for checks no one will render.
            assert call("POST", "/create_checks/", json={**order, "id": order_id}).status_code == 200
        ready = readyz()
        assert ready.status_code == 503 and "redis" in ready.json()["failing"]

        server, _ = start_redis(port)  # back, empty; nothing restarted but Redis itself
        def all_rendered() -> bool:  # Lavka keeps being asked meanwhile
            lavka()
            return set(statuses(printers).values()) == {"rendered"}

        assert wait_for(all_rendered), statuses(printers)
        assert len(statuses(printers)) == 8
        assert wait_for(lambda: readyz().status_code == 200, 30)
        # The rate limits went back to Redis by themselves (Flask-Limiter retries it with a backoff).
        keys = redis.Redis(port=port)

        def limits_in_redis() -> bool:
            lavka()
            return bool(keys.keys(f"{prefix}*"))

        assert wait_for(limits_in_redis, 120, 0.5)
        keys.close()
        assert codes and not [code for code in codes if code >= 500]
    finally:
        stop_process(consumer)
        stop_process(web)
        stop_process(server)
        http.close()
