"""Marshmallow schemas of every Lavka body, strict as lavka.md's Conventions demand.

Marshmallow is lenient by default ("5" passes as an integer, "5" as a number, 5.5 is cut to 5); the
contract is not: an integer field takes a JSON number with no fractional part (5 or 5.0, as JSON Schema
reads `integer`; lavka.md refuses "a non-integral number"), numbers refuse strings and booleans, and
every bound is explicit.
Component names follow the official document (`CourierDto`, `OrderDto`, ...).
"""
from __future__ import annotations

import numbers
import re
from datetime import date, datetime, timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, pre_load, validate, validates_schema

from delivery.api.fields import Parsed
from delivery.domain.courier_types import COURIER_TYPES
from delivery.domain.intervals import is_interval
from delivery.domain.lavka_time import format_instant, parse_date, parse_instant

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class StrictSchema(Schema):
    """Unknown fields are ignored, as the contract says."""

    class Meta:
        unknown = EXCLUDE


class WholeNumber(fields.Integer):
    """A JSON number with no fractional part (5, 5.0, 5e0), loaded as an int; no strings, no booleans."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():  # also True for inf and NaN
            raise self.make_error("invalid")
        return int(value)


def int32(minimum: int = 0, **kwargs) -> fields.Integer:
    return WholeNumber(
        validate=validate.Range(min=minimum, max=INT32_MAX),
        metadata={"format": "int32"}, **kwargs,
    )


def int64(minimum: int = 1, **kwargs) -> fields.Integer:
    return WholeNumber(
        validate=validate.Range(min=minimum, max=INT64_MAX),
        metadata={"format": "int64"}, **kwargs,
    )


class StrictNumber(fields.Float):
    """A JSON number: not a string, not a boolean, finite."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValidationError("Not a valid number.")
        return super()._deserialize(value, attr, data, **kwargs)


def _check_interval(value: str) -> None:
    if not is_interval(value):
        raise ValidationError("Not an HH:MM-HH:MM interval with start before end.")


INTERVAL_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"


def intervals() -> fields.List:
    return fields.List(fields.String(validate=_check_interval, metadata={"pattern": INTERVAL_PATTERN}),
                       required=True, validate=validate.Length(min=1))


class Instant(Parsed, fields.Field):
    """RFC 3339 `complete_time`, loaded as (naive UTC datetime, fraction digits)."""

    parse = staticmethod(parse_instant)

    def _serialize(self, value, attr, obj, **kwargs):
        return value


# --- Couriers -------------------------------------------------------------------------------

class CreateCourierDto(StrictSchema):
    courier_type = fields.String(required=True, validate=validate.OneOf(COURIER_TYPES))
    regions = fields.List(int32(minimum=1), required=True, validate=validate.Length(min=1))
    working_hours = intervals()


class CreateCourierRequest(StrictSchema):
    couriers = fields.List(fields.Nested(CreateCourierDto), required=True,
                           validate=validate.Length(min=1))


class CourierDto(Schema):
    courier_id = fields.Integer(required=True, metadata={"format": "int64"})
    courier_type = fields.String(required=True, validate=validate.OneOf(COURIER_TYPES))
    regions = fields.List(fields.Integer(metadata={"format": "int32"}), required=True)
    working_hours = fields.List(fields.String(), required=True)


class CreateCouriersResponse(Schema):
    couriers = fields.List(fields.Nested(CourierDto), required=True)


class GetCouriersResponse(Schema):
    couriers = fields.List(fields.Nested(CourierDto), required=True)
    limit = fields.Integer(required=True, metadata={"format": "int32"})
    offset = fields.Integer(required=True, metadata={"format": "int32"})


class GetCourierMetaInfoResponse(CourierDto):
    """Dumps the service's MetaInfo: the figures are left out when it has none (an idle courier), as
    the contract says; the dotted attributes then find nothing."""

    rating = fields.Integer(attribute="figures.rating", metadata={"format": "int32"})
    earnings = fields.Integer(attribute="figures.earnings", metadata={"format": "int32"})


class LavkaDate(Parsed, fields.Date):
    """A strict `YYYY-MM-DD` date (lavka.md): no compact form, no time, no one-digit month."""

    parse = staticmethod(parse_date)


class MetaInfoQuery(StrictSchema):
    """The meta-info window [start, end): the spec spells it `startDate`/`endDate`, lavka.md also
    accepts `start_date`/`end_date` (which win when both are given). Missing, bad, or end before
    start: a 400."""

    start = LavkaDate(required=True, data_key="startDate", metadata={
        "description": "Rating calculation start date (alias start_date)", "example": "2023-01-20"})
    end = LavkaDate(required=True, data_key="endDate", metadata={
        "description": "Rating calculation end date (alias end_date)", "example": "2023-01-21"})

    @pre_load
    def accept_snake_case(self, data, **kwargs):
        window = {}
        for snake, camel in (("start_date", "startDate"), ("end_date", "endDate")):
            value = data.get(snake, missing)
            if value is missing:
                value = data.get(camel, missing)
            if value is not missing:
                window[camel] = value
        return window

    @validates_schema
    def end_not_before_start(self, window, **kwargs):
        if window["end"] < window["start"]:
            raise ValidationError("end_date is before start_date")


class QueryInteger(fields.Integer):
    """An integer written in a query string: ASCII digits with an optional sign, nothing else."""

    _PATTERN = re.compile(r"[+-]?\d{1,20}", re.ASCII)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._PATTERN.fullmatch(value):
            raise ValidationError("Not a valid integer.")
        return int(value)


class PageQuery(StrictSchema):
    """`offset` and `limit` of the listing endpoints (strings in the query, parsed as int32)."""

    limit = QueryInteger(load_default=1, validate=validate.Range(min=1, max=INT32_MAX),
                         metadata={"format": "int32"})
    offset = QueryInteger(load_default=0, validate=validate.Range(min=0, max=INT32_MAX),
                          metadata={"format": "int32"})


def _today_utc() -> date:
    return datetime.now(timezone.utc).date()


class AssignQuery(StrictSchema):
    """`date` of POST /orders/assign: the day to plan, today (UTC) when absent; a bad one is a 400."""

    date = LavkaDate(load_default=_today_utc, metadata={"description": "Plan date, today (UTC) by default"})


class AssignmentsQuery(AssignQuery):
    """`date` and `courier_id` of GET /couriers/assignments (every courier when no id is given)."""

    courier_id = QueryInteger(validate=validate.Range(min=1, max=INT64_MAX),
                              metadata={"description": "Only this courier"})


# --- Orders ---------------------------------------------------------------------------------

class CreateOrderDto(StrictSchema):
    weight = StrictNumber(required=True, validate=validate.Range(min=0, min_inclusive=False),
                          metadata={"format": "float"})
    regions = int32(minimum=1, required=True)
    delivery_hours = intervals()
    cost = int32(minimum=0, required=True)


class CreateOrderRequest(StrictSchema):
    orders = fields.List(fields.Nested(CreateOrderDto), required=True,
                         validate=validate.Length(min=1))


class CompletedTime(fields.String):
    """An order's `completed_time`: RFC 3339 with the fraction digits the completing client wrote (3 when
    unknown), from its `completed_at` and `completed_time_digits`; null until completed."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if obj.completed_at is None:
            return None
        digits = obj.completed_time_digits
        return format_instant(obj.completed_at, 3 if digits is None else digits)


class OrderDto(Schema):
    """Dumps an order as the services return it: an Order, a row of its columns or `OrderValues`."""

    order_id = fields.Integer(required=True, attribute="id", metadata={"format": "int64"})
    weight = fields.Float(required=True, metadata={"format": "float"})
    regions = fields.Integer(required=True, attribute="district_id", metadata={"format": "int32"})
    delivery_hours = fields.List(fields.String(), required=True)
    cost = fields.Integer(required=True, metadata={"format": "int32"})
    completed_time = CompletedTime(allow_none=True, metadata={"format": "date-time"})


class CompleteOrder(StrictSchema):
    courier_id = int64(required=True)
    order_id = int64(required=True)
    complete_time = Instant(required=True, metadata={"type": "string", "format": "date-time"})


class CompleteOrderRequestDto(StrictSchema):
    complete_info = fields.List(fields.Nested(CompleteOrder), required=True,
                                validate=validate.Length(min=1))


# --- Errors and day planning ----------------------------------------------------------------

class BadRequestResponse(Schema):
    """Every 400 body is `{}`."""


class NotFoundResponse(Schema):
    """Every 404 body is `{}`."""


class GroupOrders(Schema):
    """Dumps the planning service's TripOrders: a trip is a group of orders."""

    group_order_id = fields.Integer(required=True, attribute="trip_id", metadata={"format": "int64"})
    orders = fields.List(fields.Nested(OrderDto), required=True)


class CouriersGroupOrders(Schema):
    """Dumps the planning service's CourierTrips."""

    courier_id = fields.Integer(required=True, metadata={"format": "int64"})
    orders = fields.List(fields.Nested(GroupOrders), required=True, attribute="trips")


class OrderAssignResponse(Schema):
    """Dumps the planning service's DayPlan."""

    date = fields.Date(required=True)
    couriers = fields.List(fields.Nested(CouriersGroupOrders), required=True)
