"""For operators: `GET /healthz` (the process lives) and `GET /metrics` (Prometheus text format).

/metrics has two kinds of figures:
- Counted by the web processes as requests pass (`delivery_http_requests_total`,
  `delivery_http_request_duration_seconds`, `delivery_dispatch_conflicts_total`). Under gunicorn,
  `gunicorn.conf.py` turns on prometheus_client's multiprocess mode (a directory of memory-mapped
  files shared by the workers of one host), so a scrape answered by any worker counts them all;
  each host is its own scrape target. Outside gunicorn (tests, `flask run`) the process counts alone.
- Read from the shared state at scrape time, so every worker and host tells the same: the queue's
  pending and scheduled tasks (Huey), checks by status (database), and task run durations from the
  task monitor's records (`task_runs`; render_check is the PDF render).

/metrics is open unless `METRICS_TOKEN` is set; then it wants `Authorization: Bearer <token>`.
/healthz says only that the process answers; it touches neither the database nor Redis.
"""
from __future__ import annotations

import hmac
import logging
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, request_started
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import case, func, select

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

_COUNTED = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("delivery_http_requests", "HTTP requests answered, by route template and status.",
                   ["method", "endpoint", "status"], registry=_COUNTED)
LATENCY = Histogram("delivery_http_request_duration_seconds", "Time to answer a request, by route template.",
                    ["method", "endpoint"], registry=_COUNTED)
DISPATCH_CONFLICTS = Counter("delivery_dispatch_conflicts",
                             "Live dispatches answered 409 (no free courier), by door.", ["door"],
                             registry=_COUNTED)

# Endpoints whose 409 is a live dispatch that found no free courier.
_DISPATCH_DOORS = {"dispatch.Orders": "api", "ui.order_dispatch": "page"}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
RUN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process lives (no database, no Redis: that is /readyz)."""
    return jsonify({"status": "ok"})


@bp.get("/metrics")
def metrics():
    """Prometheus text format: request counts and latency, queue, checks, task runs, dispatch conflicts."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return Response("metrics need Authorization: Bearer <METRICS_TOKEN>\n", 401,
                        {"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    registry = CollectorRegistry()
    if multiprocess_mode():
        MultiProcessCollector(registry)
    else:
        registry.register(_Counted())
    registry.register(StateCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _Counted:
    """This process's own counters, when there is no multiprocess directory."""

    def collect(self):
        return _COUNTED.collect()


class StateCollector:
    """Figures read from the queue and the database at scrape time; a source that fails is reported
    in `delivery_metrics_source_up` instead of failing the scrape."""

    def collect(self):
        up = GaugeMetricFamily("delivery_metrics_source_up", "1 when the source answered this scrape.",
                               labels=["source"])
        for source, read in (("queue", _queue), ("database", _database)):
            try:
                families = list(read())
            except Exception as error:  # noqa: BLE001 - Redis or the database down: say so, scrape the rest
                first_line = (str(error).splitlines() or [""])[0]
                log.warning("metrics: %s unreadable: %s: %s", source, type(error).__name__, first_line)
                from delivery.extensions import db

                db.session.rollback()
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up


def _queue():
    from delivery.queue import huey

    pending = GaugeMetricFamily("delivery_queue_pending", "Tasks waiting in the Huey queue.")
    pending.add_metric([], huey.pending_count())
    scheduled = GaugeMetricFamily("delivery_queue_scheduled", "Tasks scheduled for later (retries, delays).")
    scheduled.add_metric([], huey.scheduled_count())
    return pending, scheduled


def _database():
    from delivery.domain.receipts import CheckStatus
    from delivery.extensions import db
    from delivery.models import CHECK_STATUSES, Check, TaskRun

    session = db.session()
    by_status = dict.fromkeys(CHECK_STATUSES, 0)
    by_status.update(session.execute(select(Check.status, func.count()).group_by(Check.status)).all())
    checks = GaugeMetricFamily("delivery_checks", "Checks by status.", labels=["status"])
    for status, count in sorted(by_status.items()):
        checks.add_metric([status], count)
    # Failing, not failed (`Check.failed`): a new check whose last render erred, retries left or not.
    failing = session.scalar(select(func.count()).where(Check.status == CheckStatus.NEW, Check.last_error.is_not(None)))
    failed = GaugeMetricFamily("delivery_checks_render_failing", "Checks still new whose last render failed.")
    failed.add_metric([], failing or 0)

    timed = TaskRun.duration.is_not(None)
    columns = [func.count(), func.coalesce(func.sum(TaskRun.duration), 0.0)]
    columns += [func.sum(case((TaskRun.duration <= bound, 1), else_=0)) for bound in RUN_BUCKETS]
    runs = HistogramMetricFamily(
        "delivery_task_run_duration_seconds",
        "Durations of the task runs the task monitor keeps, by task (render_check renders a PDF).",
        labels=["task"],
    )
    for name, count, total, *within in session.execute(
        select(TaskRun.name, *columns).where(timed).group_by(TaskRun.name).order_by(TaskRun.name)
    ):
        buckets = [(str(bound), int(n or 0)) for bound, n in zip(RUN_BUCKETS, within)] + [("+Inf", count)]
        runs.add_metric([_short(name)], buckets, float(total))
    outcomes = CounterMetricFamily("delivery_task_runs", "Task runs the task monitor keeps, by task and status.",
                                   labels=["task", "status"])
    for name, status, count in session.execute(
        select(TaskRun.name, TaskRun.status, func.count()).group_by(TaskRun.name, TaskRun.status)
        .order_by(TaskRun.name, TaskRun.status)
    ):
        outcomes.add_metric([_short(name), status], count)
    session.rollback()  # only read: end the transaction now, not at teardown
    return checks, failed, runs, outcomes


def _short(task_name: str) -> str:
    # Huey names tasks "delivery.tasks.render_check": the last part is what an operator knows.
    return task_name.rsplit(".", 1)[-1]


def _start_timer(sender: Flask, **extra) -> None:
    g.ops_started = time.perf_counter()


def _count(response):
    rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    method = request.method if request.method in _METHODS else "OTHER"
    REQUESTS.labels(method, rule, str(response.status_code)).inc()
    started = g.get("ops_started")
    if started is not None:
        LATENCY.labels(method, rule).observe(time.perf_counter() - started)
    if response.status_code == 409 and request.endpoint in _DISPATCH_DOORS:
        DISPATCH_CONFLICTS.labels(_DISPATCH_DOORS[request.endpoint]).inc()
    return response


def init_app(app: Flask) -> None:
    """Mount /healthz and /metrics and count every request (the timer starts before any other hook)."""
    app.register_blueprint(bp)
    request_started.connect(_start_timer, app)  # Flask's signal: sent before any before_request hook
    app.after_request(_count)
