"""Settings: defaults, then environment variables, then `instance/config.py`, then a test's own overrides.

The same `load_settings()` feeds the Flask app and the Huey consumer, so both always agree on the
database, the queue and the media folder.
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from flask import Config

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# The settings a deployer may set by environment variable (all documented in the README). Not Flask's
# Config.from_prefixed_env: it reads only names with a prefix (FLASK_...), and these have none.
ENV_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PORT",
    "RATE_LIMIT",
    "LAVKA_STRICT_COMPLETE",
    "PLAN_TIME_LIMIT",
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
    # Safe to deploy: production rules, cookies over HTTPS, sign-in throttling, the proxy in front.
    "DELIVERY_ENV",
    "HTTPS",
    "SIGN_IN_LIMIT",
    "TRUSTED_PROXIES",
    "HOST",
)

# Settings read as numbers of seconds (floats, so tests can make them short) or counts.
_SECONDS = ("HEARTBEAT_SECONDS", "CHECK_LEASE_SECONDS", "CHECK_REQUEUE_SECONDS", "CONSUMER_SILENCE_SECONDS",
            "PLAN_TIME_LIMIT")

# RATE_LIMIT's value for no limit on the Lavka endpoints (any case, spaces around: read once here).
RATE_LIMIT_OFF = "off"

# Shortest SECRET_KEY accepted, and how to make one (said in the refusal).
SECRET_KEY_MIN_LENGTH = 32
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class InsecureSettings(SystemExit):
    """Refusal to start on settings that would be unsafe: one line on stderr, exit status 1.

    A SystemExit, so the web app, the Huey consumer and every `flask` command stop with this line
    rather than a traceback.
    """

    def __init__(self, message: str):
        super().__init__(f"delivery: refusing to start: {message}")


def _defaults() -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{INSTANCE / 'delivery.db'}",
        "REDIS_URL": "",
        # Empty: the embedded default makes one in instance/secret_key; production refuses to start.
        "SECRET_KEY": "",
        "PORT": 8080,
        "HOST": "127.0.0.1",
        # "production" applies the production rules even on the embedded default database.
        "DELIVERY_ENV": "",
        # None: on in production, off on the embedded default (see resolve_security).
        "HTTPS": None,
        "SIGN_IN_LIMIT": "5/minute;30/hour",
        "TRUSTED_PROXIES": 0,
        "RATE_LIMIT": "10/second",
        "LAVKA_STRICT_COMPLETE": True,
        # Seconds a day's planning (POST /orders/assign, the plan page's run) may search for a better plan.
        "PLAN_TIME_LIMIT": 1.0,
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
        # The folder of the embedded default (its database, huey queue and generated key); tests move it.
        "INSTANCE_PATH": str(INSTANCE),
    }


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def _coerce(key: str, value: Any) -> Any:
    if key in ("PORT", "CHECK_MAX_ATTEMPTS", "TRUSTED_PROXIES"):
        return int(value)
    if key in _SECONDS:
        return float(value)
    if key == "LAVKA_STRICT_COMPLETE" and isinstance(value, str):
        return _flag(value)
    if key == "HTTPS" and value is not None:
        return _flag(value)
    if key == "RATE_LIMIT" and str(value).strip().lower() == RATE_LIMIT_OFF:
        return RATE_LIMIT_OFF
    return value


def load_settings(overrides: dict[str, Any] | None = None, instance: Path = INSTANCE) -> dict[str, Any]:
    """Merge defaults < environment < `instance`/config.py < overrides into one dict of settings.

    Read before any app exists (gunicorn.conf.py, the consumer), so through a bare Flask Config.
    """
    settings = _defaults()
    for key in ENV_SETTINGS:
        if os.environ.get(key, "") != "":
            settings[key] = os.environ[key]
    instance_file = Config(str(instance))
    instance_file.from_pyfile("config.py", silent=True)  # its upper-case names, as an app's config
    settings.update(instance_file)
    settings.update(overrides or {})
    for key in list(settings):
        settings[key] = _coerce(key, settings[key])
    if not settings["WKHTMLTOPDF"]:
        settings["WKHTMLTOPDF"] = shutil.which("wkhtmltopdf") or ""
    settings["DATABASE_URL"] = normalise_database_url(settings["DATABASE_URL"])
    return resolve_security(settings)


def embedded_database_url(instance: str | Path) -> str:
    """The embedded default database: the SQLite file under the instance folder."""
    return f"sqlite:///{Path(instance) / 'delivery.db'}"


def resolve_security(settings: dict[str, Any]) -> dict[str, Any]:
    """Decide production or not, and the secret key: generated on the embedded default, required
    (at least SECRET_KEY_MIN_LENGTH characters) anywhere else; raise InsecureSettings otherwise."""
    embedded = settings["DATABASE_URL"] == normalise_database_url(embedded_database_url(settings["INSTANCE_PATH"]))
    production = str(settings["DELIVERY_ENV"]).strip().lower() == "production" or not embedded
    settings["PRODUCTION"] = production
    if settings["HTTPS"] is None:
        settings["HTTPS"] = production
    key = str(settings["SECRET_KEY"] or "")
    if not key and not production:
        key = instance_secret_key(Path(settings["INSTANCE_PATH"]))
    if len(key) < SECRET_KEY_MIN_LENGTH:
        why = "DELIVERY_ENV=production" if embedded else "DATABASE_URL is not the embedded default"
        said = f"SECRET_KEY has {len(key)} characters" if key else "SECRET_KEY is not set"
        rule = f"production ({why}) needs SECRET_KEY set" if production else "SECRET_KEY, when set, must be"
        raise InsecureSettings(
            f"{said}; {rule} to a random value of at least {SECRET_KEY_MIN_LENGTH} characters; "
            f"make one with: {MAKE_SECRET}"
        )
    settings["SECRET_KEY"] = key
    return settings


def instance_secret_key(instance: Path) -> str:
    """The embedded default's key, `instance/secret_key`: made once (random, mode 600), then reused.

    Processes starting together (web app, consumer) agree: the key is written to a private temporary
    file and linked into place, which fails if another process got there first; all read the winner.
    """
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


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
    return {
        **settings,
        "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(settings["DATABASE_URL"]),
        # Always on: sign-in throttling needs it; RATE_LIMIT=off exempts the Lavka endpoints only.
        "RATELIMIT_ENABLED": True,
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
        # Cookies: never read by scripts, not sent on cross-site posts, HTTPS-only when served so.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings["HTTPS"],
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings["HTTPS"],
        # A session cookie used from another address or browser is dropped (Flask-Login).
        "SESSION_PROTECTION": "strong",
    }


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Threads of one process share the file; the busy timeout queues writers instead of failing them.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # values_plus_batch: executemany UPDATEs (planning assigns thousands of orders) go in pages, not
    # one round trip per row; INSERTs keep SQLAlchemy's multi-row VALUES.
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20,
            "executemany_mode": "values_plus_batch"}
