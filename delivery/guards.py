"""Bad input stopped at the door, for every API and page: `install(app)` before any route is added.

The rule itself is `delivery.jsontext` (NUL and unpaired surrogates; 64-bit numbers). JSON bodies
are checked where every API reads them (`delivery.api.blueprint.BodyParser`); everything else a
request carries as text is checked here, before any view (or Flask-Admin, or the sign-in form) sees
it:
- query strings, path segments and form fields (names and values) with bad text are a 400, which
  each API's error style turns into its contract's error (Lavka `{}`, dispatch 422 `{"detail"}`,
  receipts 400 `{"error"}`) and the pages into the error page. So are bytes that are not UTF-8 in
  the path, the query string or a url-encoded form (`%ED%A0%80` is how a lone surrogate travels
  there): Werkzeug would quietly read them as U+FFFD;
- `<int:...>` in any route matches only what a 64-bit column holds, so a bigger id is a 404.
"""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from delivery.jsontext import INT64_MAX, text_fault


class Int64Converter(IntegerConverter):
    """Werkzeug's `int` converter bounded to what a 64-bit id column holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT64_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# Query parameters that are credentials: their value is looked up, never judged (see above).
CREDENTIALS = frozenset({"api_key"})


def _first_fault(where: str, pairs) -> str | None:
    for name, value in pairs:
        if where == "query" and name in CREDENTIALS:
            value = ""
        for text, what in ((name, "name"), (value, "value")):
            fault = text_fault(text) if isinstance(text, str) else None
            if fault:
                return f"{where} {what} {name!r}: {fault}" if what == "value" else f"a {where} name {fault}"
    return None


def _items(values: MultiDict | dict | None):
    if not values:
        return ()
    return values.items(multi=True) if isinstance(values, MultiDict) else values.items()


def _not_utf8(raw: bytes, percent_encoded: bool = True) -> bool:
    try:
        (unquote_to_bytes(raw.replace(b"+", b" ")) if percent_encoded else raw).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_RAW_CREDENTIALS = frozenset(name.encode() for name in CREDENTIALS)


def _undecodable() -> str | None:
    # WSGI hands the path over decoded as Latin-1: its bytes are the client's.
    if _not_utf8(request.environ.get("PATH_INFO", "").encode("latin-1", "replace"), percent_encoded=False):
        return "path: not UTF-8 text"
    pairs = request.query_string.split(b"&")
    if any(_not_utf8(pair) for pair in pairs if pair.partition(b"=")[0] not in _RAW_CREDENTIALS):
        return "query: not UTF-8 text"
    if request.mimetype == "application/x-www-form-urlencoded" and _not_utf8(request.get_data(cache=True)):
        return "form: not UTF-8 text"  # the form is then parsed from the cached body
    return None


def refuse_bad_text() -> None:
    """Answer 400 when the path, the query string or a form field carries bad text."""
    fault = (
        _undecodable()
        or _first_fault("query", _items(request.args))
        or _first_fault("path", _items(request.view_args))
        or (request.method not in ("GET", "HEAD", "OPTIONS") and (
            _first_fault("form", _items(request.form))
            or _first_fault("file", ((key, f.filename) for key, f in _items(request.files)))
        ))
    )
    if fault:
        abort(400, fault)


def install(app: Flask) -> None:
    """Bound `<int:>` path ids and refuse bad text on every request; call before routes are added."""
    app.url_map.converters["int"] = Int64Converter
    app.before_request(refuse_bad_text)
