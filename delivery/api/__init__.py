"""JSON APIs, each at its contract's own paths; `register_api` mounts them all."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from delivery.errors import register_error_style
from delivery.extensions import csrf


def register_api(app: Flask, api: Api) -> None:
    """Register every API blueprint; APIs authenticate by contract, not by session, so no CSRF."""
    from delivery.api import dispatch, lavka_base, lavka_couriers, lavka_orders, meta, receipts

    lavka_base.install(app, api)
    for blueprint in (meta.blp, lavka_couriers.blp, lavka_orders.blp, dispatch.blp, receipts.blp):
        if blueprint.error_style is not None:
            register_error_style(blueprint.error_paths, blueprint.error_style)
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
