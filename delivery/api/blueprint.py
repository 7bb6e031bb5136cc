"""The flask-smorest Blueprint of every JSON API, with a body parser that never lets bad JSON be a 500."""
from __future__ import annotations

import typing

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser

from delivery.jsontext import decode_errors_only


class BodyParser(FlaskParser):
    """webargs' Flask parser for which a body Python cannot decode (nested too deeply, an int of 5000
    digits) is invalid JSON like any other.

    It then takes webargs' invalid-JSON path, which each API's error style turns into its contract's
    error (Lavka `{}`, dispatch 422 `{"detail"}`, receipts 400 `{"error"}`).
    """

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        with decode_errors_only():
            return super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with `BodyParser`."""

    ARGUMENTS_PARSER = BodyParser()
