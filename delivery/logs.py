"""Logs: one line per event, each with the request id (web) or the task id (consumer).

- Every request gets an id: the client's `X-Request-ID` when it sends a sane one (up to 128 visible
  ASCII characters), a new one otherwise; the response echoes it in `X-Request-ID`, and every line
  logged while answering carries it, ending with one `request` line (method, path, status, time).
- In the Huey consumer, lines logged while a task runs carry the task's id (`task_id`), and Huey's
  own lines go through the same handler rather than the consumer's own format.
- `LOG_FORMAT=json` writes JSON lines (python-json-logger): `time`, `level`, `logger`, `message`,
  `request_id` or `task_id`, and the event's own fields (`method`, `path`, `status`, `duration_ms`);
  anything else writes plain text lines. `LOG_LEVEL` (INFO by default) sets the root level.
"""
from __future__ import annotations

import logging
import re
import sys
import threading
import time
import uuid

from flask import Flask, g, has_request_context, request

access = logging.getLogger("delivery.access")

_SANE_ID = re.compile(r"[\x21-\x7e]{1,128}")
_task = threading.local()  # the consumer's worker threads: the id of the task each one runs
_PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def request_id() -> str:
    """This request's id: the client's X-Request-ID when sane, else a new one (made once)."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class ContextFilter(logging.Filter):
    """Put the request id (or the running task's id) on every record, `-` outside both."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
        else:
            record.request_id = getattr(_task, "id", None) or "-"
            if getattr(_task, "id", None):
                record.task_id = _task.id
        return True


def _formatter(log_format: str) -> logging.Formatter:
    if str(log_format).strip().lower() != "json":
        return logging.Formatter(_PLAIN)
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (as logging's own last resort does)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure(settings: dict) -> None:
    """Send every logger's records through one stderr handler in the chosen format (idempotent)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _Stderr)), None)
    if handler is None:
        handler = _Stderr()
        handler.addFilter(ContextFilter())
        root.addHandler(handler)
    handler.setFormatter(_formatter(settings.get("LOG_FORMAT", "plain")))
    root.setLevel(str(settings.get("LOG_LEVEL") or "INFO").upper())


def _echo_and_log(response):
    rid = request_id()
    response.headers["X-Request-ID"] = rid
    started = g.get("log_started")
    took = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    # A path may carry %0A: written as \n, it cannot start a forged line of its own.
    path = request.path.replace("\r", "\\r").replace("\n", "\\n")
    event = {"method": request.method, "path": path, "status": response.status_code, "duration_ms": took}
    access.info("%s %s %s %sms", *event.values(), extra=event)
    return response


def _start() -> None:
    g.log_started = time.perf_counter()
    request_id()


def init_app(app: Flask) -> None:
    """Log in the configured format; give every request an id, echo it, and log one line per request."""
    configure(app.config)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_echo_and_log)


def configure_consumer(huey, settings: dict) -> None:
    """In the Huey consumer: log like the web app, Huey's own lines too, each with its task's id."""

    @huey.on_startup("delivery_logs")
    def _route_huey_logs() -> None:
        # huey_consumer gave the "huey" logger a handler of its own format; ours on the root is enough.
        configure(settings)
        huey_logger = logging.getLogger("huey")
        for handler in list(huey_logger.handlers):
            huey_logger.removeHandler(handler)
        huey_logger.propagate = True

    @huey.pre_execute("delivery_logs_task_id")
    def _task_started(task) -> None:
        _task.id = task.id

    @huey.post_execute("delivery_logs_task_id")
    def _task_ended(task, task_value, exc) -> None:
        _task.id = None
