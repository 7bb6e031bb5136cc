"""The live dispatch API (dispatch.md): couriers, the courier card, orders dispatched at once.

Paths sit at the root as in the original service and answer with and without the trailing slash,
without a redirect. Errors are `{"detail": "..."}`; a malformed JSON body is a 422 like any other
body that does not validate.
"""
from __future__ import annotations

import uuid

from flask import jsonify
from flask.views import MethodView

from delivery.api.blueprint import Blueprint
from delivery.api.dispatch_schemas import (
    CourierBrief,
    CourierCard,
    CourierIn,
    CourierListArgs,
    CourierOut,
    Detail,
    OrderCompleted,
    OrderCreated,
    OrderIn,
    OrderOut,
)
from delivery.errors import ApiError
from delivery.extensions import db
from delivery.services import couriers, dispatch, orders
from delivery.services.orders import Completion



def detail_style(code: int, message: str) -> tuple[int, object]:
    """FastAPI's error shape; webargs' 400 for unparsable JSON is a validation error here (422)."""
    return (422 if code == 400 else code), {"detail": message}


blp = Blueprint("dispatch", __name__, description="Live dispatch: couriers and orders",
                error_style=detail_style, error_paths=("courier", "order"),
                error_docs={status: {"schema": Detail} for status in (404, 409, 422)})
# A dispatch (the hot path measured in bench/) sends the service's dict as it is, UUIDs written by
# Flask's JSON provider: a schema dump would cost it time for no change; its schema documents it and
# the tests hold the answer to the contract. Every other answer is the service's objects dumped by
# their schemas (one card: microseconds).
# Request schemas are given as instances: from a class, webargs builds a new schema (deep-copying
# every field) on each request.


def parse_id(value: str, what: str) -> uuid.UUID:
    """An id from the path; 422 when it is not a UUID (404 is for well-formed unknown ids)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(422, f"{what} id is not a valid UUID: {value!r}") from None


@blp.route("/courier/", strict_slashes=False)
class Couriers(MethodView):
    @blp.arguments(CourierListArgs(), location="query")
    @blp.response(200, CourierBrief(many=True))
    def get(self, args):
        """List couriers in registration order."""
        return couriers.registered(db.session(), args["offset"], args["limit"])

    @blp.arguments(CourierIn())
    @blp.response(201, CourierOut)
    def post(self, body):
        """Register a courier serving the given districts."""
        return couriers.register(db.session(), body["name"], body["districts"])


@blp.route("/courier/<courier_id>", strict_slashes=False)
class CourierItem(MethodView):
    @blp.response(200, CourierCard)
    @blp.errors(404, 422)
    def get(self, courier_id: str):
        """Show the courier card with its active order and statistics."""
        return couriers.live_card(db.session(), parse_id(courier_id, "Courier"))


@blp.route("/order/", strict_slashes=False)
class Orders(MethodView):
    @blp.arguments(OrderIn())
    @blp.response(201, OrderCreated)
    @blp.errors(409)
    def post(self, body):
        """Dispatch an order to the free courier of its district."""
        response = jsonify(dispatch.dispatch_order(db.session(), body["name"], body["district"]))
        response.status_code = 201
        return response


@blp.route("/order/<order_id>", strict_slashes=False)
class OrderItem(MethodView):
    @blp.response(200, OrderOut)
    @blp.errors(404, 422)
    def get(self, order_id: str):
        """Show an order and whether it is completed."""
        return orders.find_order(db.session(), parse_id(order_id, "Order"))

    @blp.response(200, OrderCompleted)
    @blp.errors(404, 409, 422)
    def post(self, order_id: str):
        """Complete an order and free its courier."""
        [done] = orders.complete(db.session(), [Completion(parse_id(order_id, "Order"))])
        return done
