"""Request and response bodies of the live dispatch API (dispatch.md).

Unknown fields in a request body are ignored, as the original service did; everything the contract
names is checked, and a body that does not validate is a 422.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from delivery.domain.order_status import OrderStatus
from delivery.jsontext import INT64_MAX

# An order's `status` in this contract: 1 until completed, then 2.
IN_PROGRESS, COMPLETED = 1, 2

NAME = validate.Length(min=1, max=200)


class DispatchSchema(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True


class CourierIn(DispatchSchema):
    name = fields.String(required=True, validate=NAME)
    districts = fields.List(fields.String(validate=NAME), required=True, validate=validate.Length(min=1))


class CourierOut(DispatchSchema):
    """The service's `Registered`."""

    id = fields.UUID(required=True)
    name = fields.String(required=True)
    districts = fields.List(fields.String(), required=True)


class CourierListArgs(DispatchSchema):
    # OFFSET and LIMIT take 64-bit numbers on both databases: a bigger one is a 422, not a 500.
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=INT64_MAX))
    limit = fields.Integer(load_default=None, validate=validate.Range(min=0, max=INT64_MAX))


class CourierBrief(DispatchSchema):
    """A `Courier` in the list: its UUID and its name ("Courier <id>" when it has none)."""

    id = fields.UUID(required=True, attribute="uuid")
    name = fields.String(required=True, attribute="display_name")


class ActiveOrder(DispatchSchema):
    order_id = fields.UUID(required=True)
    order_name = fields.String(required=True)


class CourierCard(DispatchSchema):
    """The service's `LiveCard`."""

    id = fields.UUID(required=True)
    name = fields.String(required=True)
    districts = fields.List(fields.String(), required=True)
    active_order = fields.Nested(ActiveOrder, allow_none=True, required=True)
    avg_order_complete_time = fields.String(
        allow_none=True, required=True, metadata={"description": "HH:MM:SS; hours may exceed 23"}
    )
    avg_day_orders = fields.Integer(required=True)


class OrderIn(DispatchSchema):
    name = fields.String(required=True, validate=NAME)
    district = fields.String(required=True, validate=NAME)


class OrderCreated(DispatchSchema):
    order_id = fields.UUID(required=True)
    courier_id = fields.UUID(required=True, allow_none=True)


class Progress(fields.Integer):
    """The contract's status code of an order (its stored status: `completed` or not)."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return COMPLETED if obj.status == OrderStatus.COMPLETED.value else IN_PROGRESS


class CourierUuid(fields.UUID):
    """The uuid of the order's courier, null while it has none."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return None if obj.courier is None else self._serialize(obj.courier.uuid, attr, obj)


class OrderOut(DispatchSchema):
    """Dumps an Order (with its district and courier loaded)."""

    order_id = fields.UUID(required=True, attribute="uuid")
    name = fields.String(required=True, attribute="display_name")
    district = fields.String(required=True, attribute="district.name")
    courier_id = CourierUuid(required=True, allow_none=True)
    status = Progress(required=True, metadata={"description": "1 in progress, 2 completed"})


class OrderCompleted(DispatchSchema):
    """Dumps a completed order's values (`services.orders.OrderValues`)."""

    order_id = fields.UUID(required=True, attribute="uuid")
    courier_id = fields.UUID(required=True, attribute="courier_uuid")
    status = Progress(required=True, metadata={"description": "2: completed"})
    completed_at = fields.Function(
        lambda result: result.completed_at.isoformat(timespec="microseconds") + "Z",
        required=True, metadata={"description": "ISO 8601, UTC"},
    )


class Detail(DispatchSchema):
    detail = fields.String(required=True)
