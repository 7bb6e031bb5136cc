"""JSON APIs, each at its contract's own paths; `register_api` mounts them all."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from delivery.extensions import csrf


def register_api(app: Flask, api: Api) -> None:
    """Register every API blueprint; APIs authenticate by contract, not by session, so no CSRF."""
    from delivery.api import dispatch, meta

    for blueprint in (meta.blp, dispatch.blp):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
