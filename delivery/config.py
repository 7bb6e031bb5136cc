"""Settings: defaults, then environment variables, then `instance/config.py`, then a test's own overrides.

The same `load_settings()` feeds the Flask app and the Huey consumer, so both always agree on the
database, the queue and the media folder.
"""
from __future__ import annotations

import os
import runpy
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# The settings a deployer may set by environment variable (all documented in the README).
ENV_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PORT",
    "RATE_LIMIT",
    "LAVKA_STRICT_COMPLETE",
    "RATE_LIMIT_PREFIX",
    "MEDIA_ROOT",
    "WKHTMLTOPDF",
    # The queue's name: processes sharing one Redis agree on it (tests run a consumer per session).
    "HUEY_NAME",
    # No check is stuck, and /readyz (services/consumers.py, readiness.py).
    "HEARTBEAT_SECONDS",
    "CHECK_LEASE_SECONDS",
    "CHECK_REQUEUE_SECONDS",
    "CHECK_MAX_ATTEMPTS",
    "CONSUMER_SILENCE_SECONDS",
    # Operations: /metrics protection and the log format (delivery/ops.py, delivery/logs.py).
    "METRICS_TOKEN",
    "LOG_FORMAT",
    "LOG_LEVEL",
)

# Settings read as numbers of seconds (floats, so tests can make them short) or counts.
_SECONDS = ("HEARTBEAT_SECONDS", "CHECK_LEASE_SECONDS", "CHECK_REQUEUE_SECONDS", "CONSUMER_SILENCE_SECONDS")


def _defaults() -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{INSTANCE / 'delivery.db'}",
        "REDIS_URL": "",
        "SECRET_KEY": "dev-only-secret-change-me",
        "PORT": 8080,
        "RATE_LIMIT": "10/second",
        "LAVKA_STRICT_COMPLETE": True,
        "MEDIA_ROOT": str(ROOT / "media"),
        "WKHTMLTOPDF": "",
        # Each consumer beats this often: it renews its render leases and queues lost checks again.
        "HEARTBEAT_SECONDS": 10,
        # A render's claim on a check lasts this long unless its consumer's heartbeat renews it.
        "CHECK_LEASE_SECONDS": 30,
        # A new check nobody holds whose task was queued this long ago is queued again.
        "CHECK_REQUEUE_SECONDS": 30,
        # Render attempts after which a check whose renders keep getting lost is marked failed.
        "CHECK_MAX_ATTEMPTS": 5,
        # A consumer silent this long is gone: /readyz fails without another, its running tasks are lost.
        "CONSUMER_SILENCE_SECONDS": 60,
        "METRICS_TOKEN": "",
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "INFO",
        # Internal knobs (not environment settings): tests flip them.
        "HUEY_IMMEDIATE": False,
        "HUEY_NAME": "delivery",
        "HUEY_SQLITE_PATH": str(INSTANCE / "huey.db"),
        "RATE_LIMIT_PREFIX": "delivery",
    }


def _coerce(key: str, value: Any) -> Any:
    if key in ("PORT", "CHECK_MAX_ATTEMPTS"):
        return int(value)
    if key in _SECONDS:
        return float(value)
    if key == "LAVKA_STRICT_COMPLETE" and isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return value


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults < environment < instance/config.py < overrides into one dict of settings."""
    settings = _defaults()
    for key in ENV_SETTINGS:
        if os.environ.get(key, "") != "":
            settings[key] = os.environ[key]
    instance_file = INSTANCE / "config.py"
    if instance_file.exists():
        for key, value in runpy.run_path(str(instance_file)).items():
            if key.isupper():
                settings[key] = value
    settings.update(overrides or {})
    for key in list(settings):
        settings[key] = _coerce(key, settings[key])
    if not settings["WKHTMLTOPDF"]:
        settings["WKHTMLTOPDF"] = shutil.which("wkhtmltopdf") or ""
    settings["DATABASE_URL"] = normalise_database_url(settings["DATABASE_URL"])
    return settings


def normalise_database_url(url: str) -> str:
    """Use psycopg2 for plain PostgreSQL URLs (SQLAlchemy 2.1 would pick psycopg 3), and accept the
    `postgres://` spelling that hosting providers hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def flask_config(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate settings into the keys the Flask extensions read."""
    redis_url = settings["REDIS_URL"]
    rate_limit = str(settings["RATE_LIMIT"]).strip()
    return {
        **settings,
        "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(settings["DATABASE_URL"]),
        "RATELIMIT_ENABLED": rate_limit.lower() != "off",
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: each process limits in memory meanwhile (logged), and goes back by itself.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": bool(redis_url),
        # The storage's own key prefix too: limiter.reset() wipes only keys under it, so test runs
        # (and deployments) sharing one Redis never clear each other's budgets.
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": settings["RATE_LIMIT_PREFIX"]} if redis_url else {},
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": settings["RATE_LIMIT_PREFIX"],
        "RATELIMIT_HEADERS_ENABLED": False,
        "API_TITLE": "delivery",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/swagger-ui",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "JSON_SORT_KEYS": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    }


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Threads of one process share the file; the busy timeout queues writers instead of failing them.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # values_plus_batch: executemany UPDATEs (planning assigns thousands of orders) go in pages, not
    # one round trip per row; INSERTs keep SQLAlchemy's multi-row VALUES.
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20,
            "executemany_mode": "values_plus_batch"}
