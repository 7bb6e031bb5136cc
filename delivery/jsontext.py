"""JSON text from outside (request bodies, uploaded files), read so that any bad text is a decoding error.

`json.loads` gives up on deeply nested arrays or objects (a few kilobytes of `[`) with RecursionError,
and on an integer of thousands of digits with a plain ValueError; callers that catch
`json.JSONDecodeError` let both through as a 500. Here they are decoding errors like any other.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator


@contextmanager
def decode_errors_only() -> Iterator[None]:
    """Turn whatever else decoding JSON raises for bad text into `json.JSONDecodeError`.

    That is RecursionError for deep nesting, and a plain ValueError for an integer of more digits than
    Python converts (4300 by default).
    """
    try:
        yield
    except json.JSONDecodeError:
        raise
    except RecursionError as error:
        raise json.JSONDecodeError("nested too deeply", "", 0) from error
    except ValueError as error:
        raise json.JSONDecodeError(str(error), "", 0) from error


def loads(text: str | bytes) -> Any:
    """`json.loads`, raising `json.JSONDecodeError` for any text it cannot decode."""
    with decode_errors_only():
        return json.loads(text)
