"""The one error handler: each API answers in its contract's error shape, pages answer with HTML.

A contract is picked by the first segment of the request path (`/couriers/...` is the Lavka API,
`/courier/...` the dispatch API, `/check/` the receipts API), so routing errors (an unknown id path,
a wrong method) get the right shape too, not only errors raised inside a view.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from delivery.domain.errors import Conflict, DomainError, Invalid, NotFound, Unauthorized, Unavailable

log = logging.getLogger(__name__)

# (status, message) -> (status, JSON body): a contract may also remap the status (Lavka's 422 -> 400).
ErrorStyle = Callable[[int, str], tuple[int, object]]


class ApiError(Exception):
    """An error a view raises on purpose (a malformed id in a path, say): status and a message.

    Services never raise it: they raise `delivery.domain.errors`, which the handler maps by kind.
    """

    def __init__(self, status: int, message: str = "", headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# Each kind of domain error's status; a contract's style may still remap it (Lavka answers 400 for 404s
# of its own, say). The order matters only for subclasses, of which there are none.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    Invalid: 400,
    Unauthorized: 401,
    NotFound: 404,
    Conflict: 409,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error answers with."""
    for kind, status in DOMAIN_STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


_STYLES: dict[str, ErrorStyle] = {}


def register_error_style(first_segments: tuple[str, ...], style: ErrorStyle) -> None:
    """Answer errors on paths starting with these segments in the given shape."""
    for segment in first_segments:
        _STYLES[segment] = style


def style_for_path(path: str) -> ErrorStyle | None:
    segment = path.lstrip("/").split("/", 1)[0]
    return _STYLES.get(segment)


def json_error_style(code: int, message: str) -> tuple[int, object]:
    """Default for JSON paths outside any contract (/ping, /openapi.json): a plain message."""
    return code, {"error": message}


def register_error_handlers(app: Flask) -> None:
    """Install the handler after flask-smorest's, replacing its generic JSON body."""

    def handle(error: Exception):
        headers: dict = {}
        if isinstance(error, ApiError):
            code, message, headers = error.status, error.message, error.headers
        elif isinstance(error, DomainError):
            code, message = status_of(error), error.message
        elif isinstance(error, HTTPException):
            code = error.code or 500
            message = _http_message(error)
            if error.response is None:
                headers = dict(getattr(error, "data", {}).get("headers", {}) or {})
                if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
                    headers["Allow"] = ", ".join(error.valid_methods)
            elif "Retry-After" in error.response.headers:  # a rate limit's answer (lavka_base)
                headers["Retry-After"] = error.response.headers["Retry-After"]
        else:
            log.exception("unhandled error on %s %s", request.method, request.path)
            code, message = 500, InternalServerError.description

        style = style_for_path(request.path)
        if style is None and (request.path in ("/ping", "/openapi.json") or _wants_json()):
            style = json_error_style
        if style is not None:
            status, body = style(code, message)
            response = jsonify(body)
            response.status_code = status
        else:
            response = app.make_response(
                (render_template("error.html", code=code, message=message), code)
            )
        for key, value in headers.items():
            response.headers[key] = value
        return response

    app.register_error_handler(HTTPException, handle)
    app.register_error_handler(ApiError, handle)
    app.register_error_handler(DomainError, handle)
    app.register_error_handler(Exception, handle)


def _http_message(error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        return flatten_messages(messages)
    return data.get("message") or error.description or error.name


def flatten_messages(messages: object) -> str:
    """Turn marshmallow's (and webargs') nested {location: {field: [msgs]}} into one readable line:
    `json.items.0.name: Missing data.; ...`."""
    parts: list[str] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            parts.append(f"{prefix}: {' '.join(str(v) for v in value)}")
        else:
            parts.append(f"{prefix}: {value}")

    walk("", messages)
    return "; ".join(parts)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
