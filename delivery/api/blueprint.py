"""The flask-smorest Blueprint of every JSON API, with a body parser that never lets bad JSON be a 500."""
from __future__ import annotations

import json
import typing

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from delivery import jsontext
from delivery.errors import ErrorStyle


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
    """flask-smorest's Blueprint with `BodyParser`, and its API's errors said in one place.

    `error_style` shapes every error answered on paths whose first segment is one of `error_paths`
    (delivery/errors.py; `register_api` installs it), routing errors included. `error_docs` maps each
    error status of the API to how its OpenAPI document describes it (the contract's error schema);
    `@blp.errors(400, 404)` documents those answers of an endpoint. `invalid_status` is the status of
    a request its arguments' schemas refuse (webargs' 422 unless the contract says otherwise).
    """

    ARGUMENTS_PARSER = BodyParser()

    def __init__(self, *args, error_style: ErrorStyle | None = None, error_paths: tuple[str, ...] = (),
                 error_docs: dict[int, dict[str, typing.Any]] | None = None, invalid_status: int = 422, **kwargs):
        super().__init__(*args, **kwargs)
        if invalid_status != BodyParser.DEFAULT_VALIDATION_STATUS:
            # A request that does not validate answers this status, and the document says so.
            self.ARGUMENTS_PARSER = BodyParser()
            self.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS = invalid_status
        self.error_style = error_style
        self.error_paths = error_paths
        self.error_docs = error_docs or {}

    def arguments(self, schema, **kwargs) -> typing.Callable:
        """flask-smorest's `arguments`; the answer to a request they refuse is documented as this API's
        error (its `error_docs` entry), not flask-smorest's generic one."""
        decorator = super().arguments(schema, **kwargs)
        status = self.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS
        if status not in self.error_docs:
            return decorator
        return lambda func: self.alt_response(status, **self.error_docs[status])(decorator(func))

    def errors(self, *statuses: int) -> typing.Callable:
        """Document these error answers of an endpoint as the API's `error_docs` describe them."""

        def decorator(func: typing.Callable) -> typing.Callable:
            for status in reversed(statuses):
                func = self.alt_response(status, **self.error_docs[status])(func)
            return func

        return decorator
