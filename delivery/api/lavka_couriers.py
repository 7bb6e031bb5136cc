"""Lavka couriers at the contract's root paths: `/couriers`, `/couriers/{id}`, `/couriers/meta-info/{id}`."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from delivery.api import lavka_schemas as s
from delivery.api.lavka_base import parse_id, rate_limited
from delivery.domain.lavka_time import parse_date
from delivery.errors import ApiError
from delivery.extensions import db
from delivery.services import lavka_couriers

blp = rate_limited(Blueprint("lavka_couriers", __name__, description="Lavka couriers"))

BAD = {"schema": s.BadRequestResponse, "description": "bad request"}
NOT_FOUND = {"schema": s.NotFoundResponse, "description": "not found"}

# The spec names the window startDate/endDate; lavka.md also accepts start_date/end_date.
META_PARAMS = [
    {"name": name, "in": "query", "required": True, "description": text,
     "schema": {"type": "string", "format": "date"}, "example": example}
    for name, text, example in (
        ("startDate", "Rating calculation start date (alias start_date)", "2023-01-20"),
        ("endDate", "Rating calculation end date (alias end_date)", "2023-01-21"),
    )
]


@blp.route("/couriers")
class Couriers(MethodView):
    @blp.arguments(s.PageQuery, location="query", error_status_code=400)
    @blp.response(200, s.GetCouriersResponse, description="ok")
    @blp.alt_response(400, **BAD)
    def get(self, page):
        """List couriers by id, a page at a time."""
        couriers = lavka_couriers.list_couriers(db.session(), page["offset"], page["limit"])
        return {"couriers": couriers, "limit": page["limit"], "offset": page["offset"]}

    @blp.arguments(s.CreateCourierRequest, error_status_code=400)
    @blp.response(200, s.CreateCouriersResponse, description="ok")
    @blp.alt_response(400, **BAD)
    def post(self, body):
        """Register a batch of couriers, all or none."""
        return {"couriers": lavka_couriers.create_couriers(db.session(), body["couriers"])}


@blp.route("/couriers/<lavka_id:courier_id>")
class CourierById(MethodView):
    @blp.response(200, s.CourierDto, description="ok")
    @blp.alt_response(400, **BAD)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, courier_id):
        """Show one courier."""
        return lavka_couriers.get_courier(db.session(), parse_id(courier_id))


@blp.route("/couriers/meta-info/<lavka_id:courier_id>")
class CourierMetaInfo(MethodView):
    @blp.doc(parameters=META_PARAMS)
    @blp.response(200, s.GetCourierMetaInfoResponse, description="OK")
    @blp.alt_response(400, **BAD)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, courier_id):
        """Show a courier's earnings and rating over a window of days."""
        courier = parse_id(courier_id)
        start, end = _date_arg("start_date", "startDate"), _date_arg("end_date", "endDate")
        if end < start:
            raise ApiError(400, "end_date is before start_date")
        return lavka_couriers.meta_info(db.session(), courier, start, end)


def _date_arg(snake: str, camel: str):
    raw = request.args.get(snake, request.args.get(camel))
    try:
        return parse_date(raw)
    except ValueError as error:
        raise ApiError(400, str(error)) from error
