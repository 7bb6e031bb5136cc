"""/healthz, /metrics (Prometheus text), request ids and log lines: in-process, then under real gunicorn
workers (metrics counted across processes, JSON log lines carrying the client's request id)."""
from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime
from urllib.error import URLError
from urllib.request import Request, urlopen

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sqlalchemy import select

from delivery.models import Check, Printer, TaskRun
from delivery.testing import BIN, ROOT, free_port, process_env, stop_process


def _samples(text: str) -> dict[tuple, float]:
    """{(name, sorted labels): value} of a Prometheus text page."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))), 0.0)


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_metrics_count_requests_per_route_and_status(client):
    before = _samples(client.get("/metrics").get_data(as_text=True))
    for _ in range(3):
        client.get("/couriers/1")  # 404: no such courier
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    after = _samples(response.get_data(as_text=True))
    labels = {"method": "GET", "endpoint": "/couriers/<lavka_id:courier_id>", "status": "404"}
    assert _value(after, "delivery_http_requests_total", **labels) - \
        _value(before, "delivery_http_requests_total", **labels) == 3
    timed = {"method": "GET", "endpoint": "/couriers/<lavka_id:courier_id>"}
    assert _value(after, "delivery_http_request_duration_seconds_count", **timed) - \
        _value(before, "delivery_http_request_duration_seconds_count", **timed) == 3


def test_metrics_count_dispatch_conflicts(client):
    def conflicts() -> float:
        return _value(_samples(client.get("/metrics").get_data(as_text=True)),
                      "delivery_dispatch_conflicts_total", door="api")

    before = conflicts()
    assert client.post("/order/", json={"name": "Soup", "district": "Nowhere"}).status_code == 409
    assert client.post("/order/", json={"name": "Soup", "district": "Nowhere"}).status_code == 409
    assert conflicts() - before == 2


def test_metrics_read_checks_queue_and_task_runs_from_the_shared_state(client, session):
    from delivery.services.fixtures import load_printers

    load_printers(session)
    printer = session.scalars(select(Printer).limit(1)).one()
    now = datetime(2026, 1, 1)
    session.add_all([
        Check(printer_id=printer.id, type="client", order={}, order_id=1, status="new", last_error="boom"),
        Check(printer_id=printer.id, type="client", order={}, order_id=2, status="rendered"),
        Check(printer_id=printer.id, type="client", order={}, order_id=3, status="rendered"),
        TaskRun(task_id="t1", name="delivery.tasks.render_check", status="complete", duration=0.2,
                enqueued_at=now),
        TaskRun(task_id="t2", name="delivery.tasks.render_check", status="complete", duration=3.0,
                enqueued_at=now),
        TaskRun(task_id="t3", name="delivery.tasks.render_check", status="error", duration=40.0,
                enqueued_at=now),
    ])
    session.commit()
    samples = _samples(client.get("/metrics").get_data(as_text=True))
    assert _value(samples, "delivery_checks", status="new") == 1
    assert _value(samples, "delivery_checks", status="rendered") == 2
    assert _value(samples, "delivery_checks", status="printed") == 0
    assert _value(samples, "delivery_checks_render_failing") == 1
    assert _value(samples, "delivery_task_run_duration_seconds_count", task="render_check") == 3
    assert _value(samples, "delivery_task_run_duration_seconds_bucket", task="render_check", le="0.25") == 1
    assert _value(samples, "delivery_task_run_duration_seconds_bucket", task="render_check", le="5.0") == 2
    assert _value(samples, "delivery_task_run_duration_seconds_sum", task="render_check") == pytest.approx(43.2)
    assert _value(samples, "delivery_task_runs_total", task="render_check", status="error") == 1
    assert ("delivery_queue_pending", ()) in samples
    assert _value(samples, "delivery_metrics_source_up", source="database") == 1
    assert _value(samples, "delivery_metrics_source_up", source="queue") == 1


def test_a_source_that_cannot_be_read_is_reported_not_a_failed_scrape(make_app, tmp_path):
    # A database without the tables: each query fails, as it would with the server gone.
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}").test_client()
    response = client.get("/metrics")
    assert response.status_code == 200
    samples = _samples(response.get_data(as_text=True))
    assert _value(samples, "delivery_metrics_source_up", source="database") == 0
    assert _value(samples, "delivery_metrics_source_up", source="queue") == 1
    assert ("delivery_checks", (("status", "new"),)) not in samples


def test_metrics_token_guards_the_page_when_set(make_app):
    client = make_app(METRICS_TOKEN="s3cret").test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_every_response_carries_a_request_id(client):
    given = client.get("/ping", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/ping")
    other = client.get("/ping", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["X-Request-ID"]) == 32
    assert other.headers["X-Request-ID"] not in ("", "bad id with spaces")
    assert made.headers["X-Request-ID"] != other.headers["X-Request-ID"]
    # Errors too, whichever contract answers them.
    assert client.get("/courier/not-a-uuid").headers["X-Request-ID"]
    assert client.get("/couriers?offset=%00").headers["X-Request-ID"]


@pytest.fixture
def gunicorn_json(base_config, tmp_path):
    """Two real gunicorn workers logging JSON lines to a file; yields (base URL, log path)."""
    env = process_env(DATABASE_URL=base_config["DATABASE_URL"], REDIS_URL=base_config["REDIS_URL"],
                      HUEY_NAME=base_config["HUEY_NAME"], RATE_LIMIT="off", MEDIA_ROOT=base_config["MEDIA_ROOT"],
                      LOG_FORMAT="json")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_path = tmp_path / "web.log"
    port = free_port()
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()[-2000:]
            try:
                with urlopen(f"{base}/healthz", timeout=1):
                    break
            except (URLError, OSError):
                time.sleep(0.2)
        yield base, log_path
    finally:
        stop_process(process)


def _get(url: str, **headers) -> tuple[int, str, dict]:
    with urlopen(Request(url, headers=headers), timeout=10) as response:
        return response.status, response.read().decode(), dict(response.headers)


def test_gunicorn_workers_count_together_and_log_json_lines_with_the_request_id(gunicorn_json):
    base, log_path = gunicorn_json
    for _ in range(40):
        _get(f"{base}/ping")
    # Each scrape lands on either worker; each must report every worker's requests.
    for _ in range(4):
        samples = _samples(_get(f"{base}/metrics")[1])
        assert _value(samples, "delivery_http_requests_total", method="GET", endpoint="/ping", status="200") == 40
    status, _, headers = _get(f"{base}/ping", **{"X-Request-ID": "trace-42"})
    assert (status, headers["X-Request-ID"]) == (200, "trace-42")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in log_path.read_text().splitlines() if line.startswith("{")]
        events = [json.loads(line) for line in lines]
        mine = [e for e in events if e.get("request_id") == "trace-42"]
        if mine:
            break
        time.sleep(0.2)
    assert mine, log_path.read_text()[-2000:]
    assert mine[0]["logger"] == "delivery.access"
    assert (mine[0]["method"], mine[0]["path"], mine[0]["status"]) == ("GET", "/ping", 200)
    assert {"time", "level", "message"} <= set(mine[0])
    # Every line a worker wrote about requests is one JSON object.
    assert all(line.startswith("{") for line in log_path.read_text().splitlines() if "delivery.access" in line)


def test_the_consumer_logs_json_lines_with_the_task_id(app, base_config, tmp_path):
    from delivery import queue, tasks
    from delivery.config import INSTANCE

    name = f"{base_config['HUEY_NAME']}-logs"
    env = process_env(DATABASE_URL=base_config["DATABASE_URL"], REDIS_URL=base_config["REDIS_URL"],
                      HUEY_NAME=name, MEDIA_ROOT=base_config["MEDIA_ROOT"], LOG_FORMAT="json")
    log_path = tmp_path / "consumer.log"
    with open(log_path, "wb") as log_file:
        consumer = subprocess.Popen(
            [str(BIN / "huey_consumer"), "delivery.worker.huey", "--workers", "1", "--worker-type", "thread",
             "--delay", "0.1", "--max-delay", "0.2", "--no-periodic"],
            cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
        )
    # The task monitor records the enqueue in this test's app (and database).
    queue.init_app(app, {**app.config, "HUEY_IMMEDIATE": False, "HUEY_NAME": name,
                         "HUEY_SQLITE_PATH": str(INSTANCE / "huey.db")})
    try:
        task_id = tasks.refresh_courier_stats_task(987654).id
        assert len(queue.huey) == 1
        deadline = time.monotonic() + 30
        mine: list[dict] = []
        while not mine and time.monotonic() < deadline:
            time.sleep(0.2)
            lines = [line for line in log_path.read_text().splitlines() if line.startswith("{")]
            mine = [event for event in map(json.loads, lines) if event.get("task_id") == task_id]
        assert mine, log_path.read_text()[-2000:]
        assert {"time", "level", "logger", "message"} <= set(mine[0])
    finally:
        queue.huey.flush()
        queue.init_app(app, app.config)
        stop_process(consumer)


def test_a_request_s_access_line_stays_one_line(client, caplog):
    with caplog.at_level("INFO", logger="delivery.access"):
        client.get("/ping%0Afake%20line", headers={"X-Request-ID": "one-line"})
    [record] = [r for r in caplog.records if r.name == "delivery.access"]
    assert "\n" not in record.getMessage()
    assert record.status == 404 and record.method == "GET"
