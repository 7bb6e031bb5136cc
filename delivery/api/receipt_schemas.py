"""Marshmallow schemas of the receipts API (forfar/api.yml); the rules live in `domain.receipts`.

The fields delegate to the domain's parsers so that the API and the domain agree on what an order is;
see `delivery.domain.receipts` for which fields are required and why.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate

from delivery.api.fields import Parsed
from delivery.domain import receipts as rules


class OrderId(Parsed, fields.Field):
    parse = staticmethod(rules.parse_order_id)


class PointId(Parsed, fields.Field):
    parse = staticmethod(rules.parse_point_id)


class Phone(Parsed, fields.Field):
    parse = staticmethod(rules.parse_phone)


class Amount(Parsed, fields.Field):
    parse = staticmethod(rules.parse_amount)


class Quantity(Parsed, fields.Field):
    @staticmethod
    def parse(value):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10**9:
            raise ValueError("Must be an integer between 1 and 1000000000.")
        return value


_TEXT = {"required": True, "validate": validate.Length(min=1, max=1000)}


class ItemSchema(Schema):
    """One position of the order."""

    class Meta:
        unknown = INCLUDE

    name = fields.String(**_TEXT, metadata={"description": "Название"})
    quantity = Quantity(required=True, metadata={"type": "integer", "description": "Количество"})
    unit_price = Amount(required=True, metadata={"type": "integer", "description": "Цена за единицу"})


class ClientSchema(Schema):
    """Who gets the order."""

    class Meta:
        unknown = INCLUDE

    name = fields.String(**_TEXT, metadata={"description": "Имя клиента"})
    phone = Phone(required=True, metadata={"type": "string", "description": "Номер телефона"})


ORDER_EXAMPLE = {
    "id": 123456,
    "price": 780,
    "items": [
        {"name": "Вкусная пицца", "quantity": 2, "unit_price": 250},
        {"name": "Не менее вкусные роллы", "quantity": 1, "unit_price": 280},
    ],
    "address": "г. Уфа, ул. Ленина, д. 42",
    "client": {"name": "Иван", "phone": 9173332222},
    "point_id": 1,
}


class OrderSchema(Schema):
    """The order a point posts; kept whole (extra fields included) as the check's `order`."""

    class Meta:
        unknown = INCLUDE

    id = OrderId(required=True, metadata={"type": "integer", "description": "ID заказа"})
    price = Amount(required=True, metadata={"type": "integer", "description": "Стоимость"})
    items = fields.List(
        fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1, max=1000),
        metadata={"description": "Список позиций"},
    )
    address = fields.String(**_TEXT, metadata={"description": "Адрес доставки"})
    client = fields.Nested(ClientSchema, required=True, metadata={"description": "Информация о клиенте"})
    point_id = PointId(required=True, metadata={"type": "string", "description": "Точка на которой готовится заказ"})


class ApiKeyQuery(Schema):
    """`?api_key=`: checked by the view so that a missing key is a 401, not a validation error."""

    class Meta:
        unknown = EXCLUDE

    api_key = fields.String(load_default=None, metadata={"description": "Ключ доступа к API"})


class CheckQuery(ApiKeyQuery):
    """`?api_key=&check_id=`: the id stays a string here, so a bad id is the contract's 400, after the key."""

    check_id = fields.String(load_default=None, metadata={"type": "integer", "description": "ID чека"})


class ReceiptErrorSchema(Schema):
    error = fields.String()


class OkSchema(Schema):
    ok = fields.String()


class CheckRefSchema(Schema):
    id = fields.Integer(metadata={"description": "ID чека"})


class NewChecksSchema(Schema):
    checks = fields.List(fields.Nested(CheckRefSchema))
