"""Text from outside (request bodies, query strings, paths, forms, uploaded files): the one rule of bad input.

- Bad text: NUL (U+0000) and unpaired surrogates (U+D800-U+DFFF). PostgreSQL cannot store NUL, and a
  lone surrogate is not text at all (no UTF-8 encodes it: SQLite keeps it, then every render, page
  and export of the row fails). `find_bad_value` finds either anywhere in a decoded JSON value, keys
  included; `delivery.guards` applies the same rule to query strings, paths and form fields.
- Numbers: `INT64_MAX` is the largest id, offset or limit any column or SQL clause holds on both
  databases (`fits_int64` says whether a number does); `INT32_MAX` that of an Integer column on
  PostgreSQL.
- JSON: `json.loads` gives up on deeply nested arrays or objects (a few kilobytes of `[`) with
  RecursionError, and on an integer of thousands of digits with a plain ValueError; callers that catch
  `json.JSONDecodeError` let both through as a 500. `loads` makes them decoding errors like any other;
  so is bad text, and so are NaN and Infinity (Python reads them, and 1e400 as infinity; PostgreSQL
  stores none of them in a document), each named by its place in the document.
"""
from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager
from typing import Any, Iterator

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1  # an Integer column on PostgreSQL (district, printer and user ids, point ids)
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def text_fault(text: str) -> str | None:
    """What is wrong with this text (NUL or an unpaired surrogate), or None when it may be stored."""
    found = BAD_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000)"
    return f"contains an unpaired surrogate (U+{ord(found.group()):04X})"


def find_bad_value(value: Any, where: str = "") -> tuple[str, str] | None:
    """(where, what) of the first bad text (keys included) or non-finite number (NaN, Infinity, 1e400)
    in a decoded JSON value; None when every part of it may be stored."""
    if isinstance(value, str):
        fault = text_fault(value)
        return (where or "_schema", fault) if fault else None
    if isinstance(value, float) and not math.isfinite(value):
        return (where or "_schema", "is not a finite number")
    if isinstance(value, dict):
        for key, inner in value.items():
            fault = text_fault(key)
            if fault:
                return (where or "_schema", f"a key {fault}")
            found = find_bad_value(inner, f"{where}.{key}" if where else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found = find_bad_value(inner, f"{where}.{index}" if where else str(index))
            if found:
                return found
    return None


def fits_int64(number: int) -> bool:
    """True when a column or an OFFSET/LIMIT clause holds this integer on SQLite and PostgreSQL."""
    return -INT64_MAX - 1 <= number <= INT64_MAX


class BadValue(json.JSONDecodeError):
    """JSON carrying text or a number no column may hold: `where` is its dotted path, `problem` what
    is wrong with it."""

    def __init__(self, where: str, problem: str, doc: str):
        super().__init__(f"{where}: {problem}", doc or " ", 0)
        self.where = where
        self.problem = problem


@contextmanager
def decode_errors_only(doc: str = "") -> Iterator[None]:
    """Turn whatever else decoding JSON raises for bad text into `json.JSONDecodeError`.

    That is RecursionError for deep nesting, and a plain ValueError for an integer of more digits than
    Python converts (4300 by default). `doc` is the text being
    decoded (webargs reads an error without one as an empty body).
    """
    try:
        yield
    except json.JSONDecodeError:
        raise
    except RecursionError as error:
        raise json.JSONDecodeError("nested too deeply", doc, 0) from error
    except ValueError as error:
        raise json.JSONDecodeError(str(error), doc, 0) from error


# NUL and surrogates reach decoded JSON only as escapes (the decoder refuses raw NUL, and strict
# UTF-8 carries no surrogate), so a body without such an escape is not walked for bad text: the walk
# of 10,000 Lavka items costs more than decoding them.
_BAD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _may_hold_bad_text(doc: str) -> bool:
    return bool(_BAD_ESCAPE.search(doc)) or (not doc.isascii() and bool(BAD_TEXT.search(doc)))


def loads(text: str | bytes) -> Any:
    """`json.loads`, raising `json.JSONDecodeError` for any text it cannot decode, and `BadValue` (one
    of them) for bad text or a non-finite number in it."""
    doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
    non_finite: list[float] = []

    def number(literal: str) -> float:
        value = float(literal)  # NaN, Infinity, 1e400: kept for the walk to name their place
        if not math.isfinite(value):
            non_finite.append(value)
        return value

    with decode_errors_only(doc):
        data = json.loads(text, parse_float=number, parse_constant=number)
    found = find_bad_value(data) if non_finite or _may_hold_bad_text(doc) else None
    if found:
        raise BadValue(*found, doc=doc)
    return data
