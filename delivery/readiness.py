"""`GET /readyz`: can this deployment do its work? The database, Redis (when configured), a consumer.

Each part is tried on its own and reported by name; any failing part makes it a 503, so a load
balancer or an orchestrator stops sending traffic (or raises an alarm) until it is back. No sign-in:
it tells only which part fails and why, never data. Consumers beat into the database
(services/consumers.py); none heard from in CONSUMER_SILENCE_SECONDS means checks would not render.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from delivery.extensions import db, limiter
from delivery.services import consumers
from delivery.services.clock import utcnow

bp = Blueprint("readiness", __name__)

# Fail fast: a probe that hangs on a dead host tells nothing.
REDIS_TIMEOUT = 2.0


def _database() -> dict[str, Any]:
    db.session.execute(text("SELECT 1"))
    return {"ok": True}


def _redis() -> dict[str, Any]:
    url = current_app.config["REDIS_URL"]
    if not url:
        return {"ok": True, "configured": False}
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "configured": True}


def _consumer() -> dict[str, Any]:
    last = consumers.last_beat(db.session())
    silence = float(current_app.config["CONSUMER_SILENCE_SECONDS"])
    if last is None:
        return {"ok": False, "error": "no consumer has ever been heard from"}
    age = max(0.0, (utcnow() - last).total_seconds())
    result: dict[str, Any] = {"ok": age <= silence, "last_seen_seconds_ago": round(age, 1)}
    if not result["ok"]:
        result["error"] = f"no consumer heard from in the last {silence:g} s"
    return result


CHECKS = {"database": _database, "redis": _redis, "consumer": _consumer}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Tell whether the database, Redis and a consumer are there: 200, or 503 naming what fails."""
    parts: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure of a part is the answer, not a 500
            db.session.rollback()
            parts[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    ready = all(part["ok"] for part in parts.values())
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ready" if ready else "unavailable", "failing": failing, "checks": parts}
    return jsonify(body), 200 if ready else 503
