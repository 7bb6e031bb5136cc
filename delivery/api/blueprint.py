"""The flask-smorest Blueprint of every JSON API, with a body parser that never lets bad JSON be a 500."""
from __future__ import annotations

import json
import typing

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from delivery import jsontext


class BodyParser(FlaskParser):
    """webargs' Flask parser reading bodies with `jsontext.loads`: a body Python cannot decode (nested
    too deeply, an int of 5000 digits) is invalid JSON like any other, and bad text or NaN anywhere in
    it (NUL, a lone surrogate; values or keys, known fields or not) is refused naming where it is.

    Both take webargs' invalid-JSON path, which each API's error style turns into its contract's
    error (Lavka `{}`, dispatch 422 `{"detail"}`, receipts 400 `{"error"}`).
    """

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"not UTF-8: {error.reason}", " ", error.start) from error
        return jsontext.loads(text)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs) -> typing.NoReturn:
        if isinstance(error, jsontext.BadValue):
            abort(400, exc=error, messages={"json": {error.where: [error.problem]}})
        super()._handle_invalid_json_error(error, req, *args, **kwargs)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with `BodyParser`."""

    ARGUMENTS_PARSER = BodyParser()
