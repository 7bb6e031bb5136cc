"""What every Lavka endpoint shares: the `{}` error shape, path ids, the per-endpoint rate limit.

- Errors: every 4xx on `/couriers...` and `/orders...` is `{}`; webargs' 422 becomes 400.
- Path ids go through the `lavka_id` converter, which matches any segment (so `/couriers/foo` reaches
  the view and gets a 400, not a routing 404) and is documented as the spec's int64.
- The rate limit is one budget per (method, route template) shared by every client (the limiter's
  key function is global); the budget is `RATE_LIMIT` (settings turn any spelling of `off` into one).
"""
from __future__ import annotations

import math
import re
import time

from flask import Flask, Response, current_app
from flask_limiter import RequestLimit
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from delivery.api import lavka_schemas as s
from delivery.api.blueprint import Blueprint
from delivery.config import RATE_LIMIT_OFF
from delivery.errors import ApiError
from delivery.extensions import limiter

INT64_MAX = 2**63 - 1
_ID_RE = re.compile(r"\+?\d{1,19}", re.ASCII)


def lavka_error_style(code: int, message: str) -> tuple[int, object]:
    """The contract's empty error bodies; a validation failure (422 from webargs) is a 400."""
    return (400 if code == 422 else code), {}


class LavkaIdConverter(BaseConverter):
    """Match any path segment; the view turns it into an id or answers 400."""

    regex = "[^/]+"


def _id_param_schema(converter: BaseConverter) -> dict:
    return {"type": "integer", "format": "int64"}


def parse_id(raw: str) -> int:
    """Return a positive int64 path id, or raise a 400."""
    if not _ID_RE.fullmatch(raw or ""):
        raise ApiError(400, f"not an id: {raw!r}")
    value = int(raw)
    if not 1 <= value <= INT64_MAX:
        raise ApiError(400, f"id out of range: {raw!r}")
    return value


def _rate_limit_off() -> bool:
    # A callable, as Flask-Limiter wants: the blueprints exist before any app and its settings.
    return current_app.config["RATE_LIMIT"] == RATE_LIMIT_OFF


def _rate_limit_value() -> str:
    # "off" is no limit Flask-Limiter can parse (it logs an error on every request): the endpoints are
    # exempt then (exempt_when), and this stand-in is never counted against.
    return "1/second" if _rate_limit_off() else str(current_app.config["RATE_LIMIT"])


def _answer_429(request_limit: RequestLimit) -> Response:
    # The window moves: the oldest hit leaves it at window[0] (a float; `reset_at` rounds it to whole
    # seconds and adds one, up to two seconds late). Whole seconds, rounded up, at least one.
    wait = max(1, math.ceil(request_limit.window[0] - time.time()))
    # Returned, not raised: Flask-Limiter takes an exception from here for a storage failure and falls
    # back to memory. Its 429 carries this response; the error handler keeps its Retry-After.
    return Response(status=429, headers={"Retry-After": str(wait)})


# How the OpenAPI document describes the contract's error answers (`@blp.errors(400, 404)`).
ERROR_DOCS = {
    400: {"schema": s.BadRequestResponse, "description": "bad request"},
    404: {"schema": s.NotFoundResponse, "description": "not found"},
}


def lavka_blueprint(name: str, import_name: str, description: str, path: str) -> Blueprint:
    """A Lavka blueprint under `/<path>...`: its errors in the contract's shape and documented as the
    contract says, every route with its own budget per method."""
    blp = Blueprint(name, import_name, description=description, error_style=lavka_error_style, error_paths=(path,),
                    error_docs=ERROR_DOCS, invalid_status=400)
    limiter.limit(_rate_limit_value, per_method=True, on_breach=_answer_429, exempt_when=_rate_limit_off)(blp)
    return blp


def install(app: Flask, api: Api) -> None:
    """Register the id converter (before the blueprints' routes)."""
    app.url_map.converters["lavka_id"] = LavkaIdConverter
    api.flask_plugin.register_converter(LavkaIdConverter, _id_param_schema)  # this app's document
