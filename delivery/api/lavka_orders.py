"""Lavka orders at the contract's root paths: `/orders`, `/orders/{id}`, `/orders/complete`."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from delivery.api import lavka_schemas as s
from delivery.api.lavka_base import lavka_blueprint, parse_id
from delivery.extensions import db
from delivery.services import orders, planning
from delivery.services.orders import Completion

blp = lavka_blueprint("lavka_orders", __name__, description="Lavka orders", path="orders")

# Request schemas are given as instances: from a class, webargs builds a new schema (deep-copying
# every field) on each request.


@blp.route("/orders")
class Orders(MethodView):
    @blp.arguments(s.PageQuery(), location="query")
    @blp.response(200, s.OrderDto(many=True), description="ok")
    def get(self, page):
        """List orders by id, a page at a time."""
        return orders.read_orders(db.session(), page["offset"], page["limit"])

    @blp.arguments(s.CreateOrderRequest())
    @blp.response(200, s.OrderDto(many=True), description="ok")
    def post(self, body):
        """Create a batch of orders, all or none."""
        return orders.create_orders(db.session(), body["orders"])


@blp.route("/orders/<lavka_id:order_id>")
class OrderById(MethodView):
    @blp.response(200, s.OrderDto, description="ok")
    @blp.errors(400, 404)
    def get(self, order_id):
        """Show one order."""
        return orders.read_order(db.session(), parse_id(order_id))


@blp.route("/orders/complete")
class CompleteOrders(MethodView):
    @blp.arguments(s.CompleteOrderRequestDto())
    @blp.response(200, s.OrderDto(many=True), description="ok")
    def post(self, body):
        """Mark orders delivered by their couriers, all or none."""
        wanted = [Completion(item["order_id"], item["courier_id"], *item["complete_time"])
                  for item in body["complete_info"]]
        return orders.complete(db.session(), wanted, lavka=True, strict=current_app.config["LAVKA_STRICT_COMPLETE"])


@blp.route("/orders/assign")
class AssignOrders(MethodView):
    @blp.arguments(s.AssignQuery(), location="query")
    @blp.response(201, s.OrderAssignResponse(many=True), description="Created")
    def post(self, query):
        """Plan every open order into courier trips for a date."""
        limit = current_app.config["PLAN_TIME_LIMIT"]
        return [planning.assign_orders(db.session(), query["date"], time_limit=limit)]
