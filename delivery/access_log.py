"""Printers' api keys stay out of the request logs.

The receipts API takes `api_key` in the query string (its contract), so a request line carries it.
gunicorn's access log (`logger_class` in gunicorn.conf.py) and the development server's log
(the `werkzeug` logger) write `api_key=***` instead.
"""
from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# `api_key=` and its percent-encoded spellings, up to the next separator.
_API_KEY = re.compile(r"(api(?:_|%5f)key=)[^&\s\"']*", re.IGNORECASE)


def mask_api_keys(text: str) -> str:
    """The text with every api_key value replaced by ***."""
    return _API_KEY.sub(r"\1***", text)


class MaskingLogger(Logger):
    """gunicorn's logger, its access-log atoms (request line, query, referer...) masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_api_keys(value) if isinstance(value, str) else value for key, value in atoms.items()}


class MaskingFilter(logging.Filter):
    """Mask api keys in a log record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_api_keys(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_api_keys(a) if isinstance(a, str) else a for a in record.args)
        return True


def mask_werkzeug_log() -> None:
    """Mask api keys in the development server's request lines (once per process)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, MaskingFilter) for f in logger.filters):
        logger.addFilter(MaskingFilter())
