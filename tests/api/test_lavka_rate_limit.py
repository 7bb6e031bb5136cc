"""The Lavka rate limit: one global budget per (method, route template), across processes.

Budgets here are per minute where the point is counting, so a slow machine cannot let an old hit
leave the window mid-burst; one burst uses the contract's own `10/second`.
"""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from delivery.testing import process_env, start_gunicorn, stop_process
from tests.helpers import TEST_REDIS_URL, courier, order



@pytest.fixture
def limited(make_app, app):
    """A client of an app with the limit on (built after `app`, which empties the database)."""

    def build(rate: str = "10/minute"):
        from delivery.extensions import limiter

        limited_app = make_app(RATE_LIMIT=rate)
        limiter.reset()
        return limited_app.test_client()

    return build


def test_eleventh_request_in_a_second_is_429_with_retry_after(limited):
    client = limited("10/second")
    codes = [client.get(f"/couriers/{i}").status_code for i in range(1, 12)]
    assert codes == [404] * 10 + [429]
    response = client.get("/couriers/1")
    assert response.status_code == 429
    assert response.get_json() == {}
    # The oldest hit leaves a one-second window within a second: never ask for more.
    assert response.headers["Retry-After"] == "1"


def test_retry_after_counts_to_when_the_oldest_hit_leaves_the_window(limited):
    client = limited("3/minute")
    for _ in range(3):
        client.get("/couriers/1")
    assert 59 <= int(client.get("/couriers/1").headers["Retry-After"]) <= 60


def test_every_request_that_reaches_the_endpoint_counts(limited):
    client = limited()
    assert client.post("/couriers", json={"couriers": [courier()]}).status_code == 200
    for bad in ({}, {"couriers": []}, {"couriers": [{"courier_type": "x"}]}):
        assert client.post("/couriers", json=bad).status_code == 400
    for _ in range(6):
        assert client.post("/couriers", data="{", content_type="application/json").status_code == 400
    response = client.post("/couriers", json={"couriers": [courier()]})
    assert (response.status_code, response.get_json()) == (429, {})
    assert "Retry-After" in response.headers


def test_budgets_are_per_method_and_route_template(limited):
    client = limited()
    for i in range(10):
        assert client.get(f"/orders/{i + 1}").status_code == 404
    assert client.get("/orders/5").status_code == 429
    assert client.get("/orders/x").status_code == 429  # same template, even with a bad id
    # Other templates and other methods keep their own budgets.
    assert client.get("/orders").status_code == 200
    assert client.post("/orders", json={"orders": [order()]}).status_code == 200
    assert client.get("/couriers/1").status_code == 404
    assert client.get("/couriers/meta-info/1?start_date=2023-01-01&end_date=2023-01-02").status_code == 404
    assert client.post("/orders/complete", json={}).status_code == 400
    # The health check is not part of the contract's budgets.
    assert all(client.get("/ping").status_code == 200 for _ in range(15))


def test_budget_is_global_not_per_client(limited):
    client = limited()
    for i in range(10):
        headers = {"X-Forwarded-For": f"10.0.0.{i}"}
        client.environ_base["REMOTE_ADDR"] = f"10.0.1.{i}"
        assert client.get("/couriers", headers=headers).status_code == 200
    client.environ_base["REMOTE_ADDR"] = "10.0.2.1"
    assert client.get("/couriers").status_code == 429


@pytest.mark.parametrize("off", ["off", " OFF "])
def test_off_disables_it(make_app, app, off):
    client = make_app(RATE_LIMIT=off).test_client()
    assert all(client.get("/couriers/1").status_code == 404 for _ in range(30))


@pytest.mark.redis
@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")
def test_budget_holds_across_gunicorn_workers(app, database_url):
    import requests

    env = process_env(
        DATABASE_URL=database_url,
        REDIS_URL=TEST_REDIS_URL,
        RATE_LIMIT="10/minute",
        RATE_LIMIT_PREFIX=f"delivery-test-gunicorn-{uuid.uuid4().hex[:10]}",
    )
    server, base = start_gunicorn(env, workers=2, threads=1)
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(
                lambda i: requests.get(f"{base}/couriers/{i}", timeout=30), range(1, 21)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [404] * 10 + [429] * 10
        assert all(r.json() == {} and "Retry-After" in r.headers for r in responses if r.status_code == 429)
        # Another endpoint has its own budget at that moment.
        assert requests.get(f"{base}/couriers", timeout=30).status_code == 200
        assert requests.get(f"{base}/orders/1", timeout=30).status_code == 404
    finally:
        stop_process(server)


def test_rate_limit_off_logs_no_error_per_request(client, caplog):
    """RATE_LIMIT=off (the tests' setting) exempts the endpoints without Flask-Limiter failing to parse it."""
    with caplog.at_level("ERROR"):
        for _ in range(3):
            assert client.get("/couriers").status_code == 200
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]
