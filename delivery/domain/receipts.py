"""Receipt rules in plain Python: the posted order, its normalised form, the receipt lines and totals.

The order a point of sale posts to `POST /create_checks/` (receipts.md, forfar/api.yml):

    {id, price, items: [{name, quantity, unit_price}], address, client: {name, phone}, point_id}

Every field is required: the client check prints the number, address, client, items and total, and
the kitchen check the number and items, so an order missing any of them is "not such an order" (400).
- `id`: an integer 1..2**63-1 (a JSON number; booleans and strings are refused).
- `point_id`: an integer >= 0, or a string of digits (the contract's schema says string, its example
  sends 1).
- `price`: a number from 0 to 10**15, the order's total as the shop computed it (discounts and delivery may make
  it differ from the items' sum, so it is printed as given, not recomputed).
- `items`: a non-empty list of `{name: non-empty string, quantity: integer >= 1, unit_price: number
  from 0 to 10**15}`.
- `address`: a non-empty string. `client`: `{name: non-empty string, phone: string or integer}`;
  a numeric phone is printed as its digits.
Each check stores the order exactly as posted (it is kept whole, extra fields included); the layouts
read it through `receipt_context`, which accepts either spelling of point and phone.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any


class CheckType(str, Enum):
    """What a printer prints, and so the layout of its checks."""

    KITCHEN = "kitchen"
    CLIENT = "client"


class CheckStatus(str, Enum):
    """A check's status as stored in `checks.status` (receipts.md): rendered once its PDF is written,
    printed once its printer opened it. A check whose renders gave up stays `new` (shown as failed)."""

    NEW = "new"
    RENDERED = "rendered"
    PRINTED = "printed"


# `failed` is no status of its own (receipts.md): a new check whose renders gave up (`Check.failed`),
# which the pages show, and filter by, as if it were one.
FAILED = "failed"

CHECK_TYPES: tuple[str, ...] = tuple(kind.value for kind in CheckType)
CHECK_STATUSES: tuple[str, ...] = tuple(status.value for status in CheckStatus)
MAX_ORDER_ID = 2**63 - 1
MAX_AMOUNT = 10**15

# The contract's exact texts (receipts.md).
CREATED = "Чеки успешно созданы"
NO_PRINTERS = "Для данной точки не настроено ни одного принтера"
ALREADY_CREATED = "Для данного заказа уже созданы чеки"
AUTH_FAILED = "Ошибка авторизации"
NO_SUCH_CHECK = "Данного чека не существует"
NO_PDF = "Для данного чека не сгенерирован PDF-файл"


def _is_number(value: object) -> bool:
    # bool is an int subclass in Python, but `true` is not a number in an order.
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def parse_order_id(value: object) -> int:
    """Return the order id as an int; raise ValueError unless it is a positive JSON integer."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("Must be an integer.")
    if not 1 <= value <= MAX_ORDER_ID:
        raise ValueError(f"Must be between 1 and {MAX_ORDER_ID}.")
    return value


def parse_point_id(value: object) -> int:
    """Return the point id as an int from an int or a string of digits; raise ValueError otherwise."""
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("Must be an integer or a string of digits.")
    if not 0 <= value <= 2**31 - 1:
        raise ValueError("Must be between 0 and 2147483647.")
    return value


def parse_phone(value: object) -> str:
    """Return the phone as a string; a number (the contract's example sends one) becomes its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError("Must be a non-empty string or an integer.")


def parse_amount(value: object) -> int | float:
    """Return a money amount (a number from 0 to 10**15); raise ValueError otherwise.

    The bound keeps out infinity (`1e400` and `Infinity` decode to it) and NaN, which could never be
    printed, and any figure no till means: 10**15 is still exact as a float.
    """
    if not _is_number(value) or not 0 <= value <= MAX_AMOUNT:  # NaN fails every comparison
        raise ValueError(f"Must be a number from 0 to {MAX_AMOUNT}.")
    return value  # type: ignore[return-value]


def format_amount(value: int | float | Decimal) -> str:
    """Print 780 as "780" and 249.9 as "249.90": whole roubles without decimals."""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return str(int(amount))
    return f"{amount.quantize(Decimal('0.01'))}"


def pdf_file_name(order_id: int, check_type: str) -> str:
    """The PDF's name the contract fixes: `<order id>_<type>.pdf`, e.g. `123456_client.pdf`."""
    if check_type not in CHECK_TYPES:
        raise ValueError(f"unknown check type {check_type!r}")
    return f"{int(order_id)}_{check_type}.pdf"


def receipt_context(order: dict[str, Any]) -> dict[str, Any]:
    """Turn a stored order into what a layout prints: one line per item with its sum, and the total.

    The layouts receive plain strings and numbers; Jinja escapes each of them when it prints it.
    """
    client = order.get("client") or {}
    lines = []
    for item in order.get("items") or []:
        quantity = item.get("quantity", 0)
        unit_price = item.get("unit_price", 0)
        lines.append({
            "name": str(item.get("name", "")),
            "quantity": quantity,
            "unit_price": format_amount(unit_price),
            "sum": format_amount(Decimal(str(quantity)) * Decimal(str(unit_price))),
        })
    items_total = sum((Decimal(str(i.get("quantity", 0))) * Decimal(str(i.get("unit_price", 0)))
                       for i in order.get("items") or []), Decimal(0))
    price = order.get("price")
    return {
        "number": order.get("id"),
        "address": str(order.get("address", "")),
        "client_name": str(client.get("name", "")),
        "client_phone": str(client.get("phone", "")),
        "lines": lines,
        "total": format_amount(price if price is not None else items_total),
        "items_total": format_amount(items_total),
    }
