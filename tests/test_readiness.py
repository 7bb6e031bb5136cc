"""`GET /readyz`: 200 when the database, Redis (when configured) and a consumer are there; 503 naming
the part that fails, and 200 again once it is back."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from delivery.models import ConsumerBeat
from delivery.services import consumers
from delivery.services.clock import utcnow
from delivery import queue
from delivery.testing import start_redis, stop_process
from tests.helpers import TEST_REDIS_URL


def readyz(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_no_consumer_heard_from_is_not_ready(client, session):
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["consumer"] and body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["consumer"] == {"ok": False, "error": "no consumer has ever been heard from"}


def test_a_consumer_beat_makes_it_ready_until_the_consumer_falls_silent(client, session):
    consumers.beat(session, "host:1", utcnow())
    status, body = readyz(client)
    assert status == 200 and body["failing"] == [] and body["status"] == "ready"
    assert body["checks"]["consumer"]["ok"] is True
    session.execute(update(ConsumerBeat).values(beat_at=utcnow() - timedelta(seconds=61)))
    session.commit()
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["consumer"]
    assert body["checks"]["consumer"]["error"] == "no consumer heard from in the last 60 s"


def test_an_unreachable_database_is_named(make_app, app, tmp_path):
    broken = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    try:
        status, body = readyz(broken.test_client())
    finally:
        queue.init_app(app, app.config)
    assert status == 503 and "database" in body["failing"]
    assert body["checks"]["database"]["ok"] is False and "OperationalError" in body["checks"]["database"]["error"]


@pytest.mark.redis
@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (TEST_REDIS_URL)")
def test_redis_going_away_and_coming_back(make_app, app, session):
    """A private redis-server of this test, stopped and started again on the same port."""
    consumers.beat(session, "host:1", utcnow())
    server, port = start_redis()
    try:
        client = make_app(REDIS_URL=f"redis://127.0.0.1:{port}/0").test_client()
        assert readyz(client)[0] == 200
        stop_process(server)
        status, body = readyz(client)
        assert status == 503 and body["failing"] == ["redis"]
        assert body["checks"]["redis"]["ok"] is False and "ConnectionError" in body["checks"]["redis"]["error"]
        server, _ = start_redis(port)
        status, body = readyz(client)
        assert status == 200 and body["checks"]["redis"] == {"ok": True, "configured": True}
    finally:
        stop_process(server)
        queue.init_app(app, app.config)
