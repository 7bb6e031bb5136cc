"""Lavka couriers at the contract's root paths: `/couriers`, `/couriers/{id}`, `/couriers/meta-info/{id}`.

One courier and the meta-info are dumped by their schemas. The lists (a page of couriers, a
registered batch) are the service's CourierDto dicts sent as they are: marshmallow walking 10,000 of
them again takes four times as long as writing their JSON (a hot path, measured in bench/), and a test
holds them equal to the schemas' dump. The OpenAPI comparison and the schemathesis tests hold the
answers to the document.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from flask import Response, jsonify, stream_with_context
from flask.views import MethodView

from delivery.api import lavka_schemas as s
from delivery.api.lavka_base import lavka_blueprint, parse_id
from delivery.extensions import db
from delivery.services import couriers, planning

blp = lavka_blueprint("lavka_couriers", __name__, description="Lavka couriers", path="couriers")

# Request schemas are given as instances: from a class, webargs builds a new schema (deep-copying
# every field) on each request.


@blp.route("/couriers")
class Couriers(MethodView):
    @blp.arguments(s.PageQuery(), location="query")
    @blp.response(200, s.GetCouriersResponse, description="ok")
    def get(self, page):
        """List couriers by id, a page at a time."""
        offset, limit = page["offset"], page["limit"]
        if limit > STREAM_ABOVE:
            return Response(stream_with_context(_stream_page(offset, limit)), mimetype="application/json")
        items = couriers.list_couriers(db.session(), offset, limit)  # sent as they are: see the docstring
        return jsonify({"couriers": items, "limit": limit, "offset": offset})

    @blp.arguments(s.CreateCourierRequest())
    @blp.response(200, s.CreateCouriersResponse, description="ok")
    def post(self, body):
        """Register a batch of couriers, all or none."""
        # Sent as they are: see the docstring.
        return jsonify({"couriers": couriers.create_couriers(db.session(), body["couriers"])})


# Pages of more couriers than this are written as they are read, a chunk of rows at a time: the body
# of 100,000 couriers is never in memory at once.
STREAM_ABOVE = 1000


def _stream_page(offset: int, limit: int) -> Iterator[str]:
    """The GetCouriersResponse of a page, in pieces."""
    yield '{"couriers":['
    separator = ""
    for chunk in couriers.iter_couriers(db.session(), offset, limit):
        yield separator + json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))[1:-1]
        separator = ","
    yield f'],"limit":{limit},"offset":{offset}}}'


@blp.route("/couriers/<lavka_id:courier_id>")
class CourierById(MethodView):
    @blp.response(200, s.CourierDto, description="ok")
    @blp.errors(400, 404)
    def get(self, courier_id):
        """Show one courier."""
        return couriers.read_courier(db.session(), parse_id(courier_id))


@blp.route("/couriers/meta-info/<lavka_id:courier_id>")
class CourierMetaInfo(MethodView):
    @blp.arguments(s.MetaInfoQuery(), location="query")
    @blp.response(200, s.GetCourierMetaInfoResponse, description="OK")
    @blp.errors(404)
    def get(self, window, courier_id):
        """Show a courier's earnings and rating over a window of days."""
        return couriers.meta_info(db.session(), parse_id(courier_id), window["start"], window["end"])


@blp.route("/couriers/assignments")
class CourierAssignments(MethodView):
    @blp.arguments(s.AssignmentsQuery(), location="query")
    @blp.response(200, s.OrderAssignResponse, description="ok")
    def get(self, query):
        """Show the trips planned for a date, of every courier or of one."""
        return planning.assignments(db.session(), query["date"], query.get("courier_id"))
