"""Receipt rules: what an order's fields may be, file names, the lines and total a layout prints."""
from __future__ import annotations

import pytest

from delivery.domain import receipts as rules


@pytest.mark.parametrize("value,expected", [(1, 1), (123456, 123456), (2**63 - 1, 2**63 - 1)])
def test_order_id_accepts_positive_integers(value, expected):
    assert rules.parse_order_id(value) == expected


@pytest.mark.parametrize("value", [0, -5, 2**63, "123", 1.0, True, None, [1]])
def test_order_id_refuses_the_rest(value):
    with pytest.raises(ValueError):
        rules.parse_order_id(value)


@pytest.mark.parametrize("value,expected", [(1, 1), ("1", 1), (" 42 ", 42), (0, 0)])
def test_point_id_is_an_integer_or_digits(value, expected):
    assert rules.parse_point_id(value) == expected


@pytest.mark.parametrize("value", ["", "one", "1.5", "-1", -1, 1.5, True, None, "١", 2**31])
def test_point_id_refuses_the_rest(value):
    with pytest.raises(ValueError):
        rules.parse_point_id(value)


@pytest.mark.parametrize("value,expected", [(9173332222, "9173332222"), ("+7 917", "+7 917"), (" 8 ", "8")])
def test_phone_is_a_string_or_a_number(value, expected):
    assert rules.parse_phone(value) == expected


@pytest.mark.parametrize("value", ["", "  ", None, True, 9.5, [1], {}])
def test_phone_refuses_the_rest(value):
    with pytest.raises(ValueError):
        rules.parse_phone(value)


@pytest.mark.parametrize("value", [-1, "10", True, None, float("nan"), float("inf"), 10**15 + 1, 1e300, 10**400])
def test_amount_is_a_number_at_least_zero(value):
    with pytest.raises(ValueError):
        rules.parse_amount(value)
    assert rules.parse_amount(0) == 0 and rules.parse_amount(249.9) == 249.9
    assert rules.parse_amount(10**15) == 10**15


@pytest.mark.parametrize("value,text", [(780, "780"), (780.0, "780"), (249.9, "249.90"), (0.1 + 0.2, "0.30")])
def test_amounts_print_whole_roubles_plainly(value, text):
    assert rules.format_amount(value) == text


def test_pdf_file_name_is_order_and_type():
    assert rules.pdf_file_name(123456, "client") == "123456_client.pdf"
    assert rules.pdf_file_name(3000, "kitchen") == "3000_kitchen.pdf"
    with pytest.raises(ValueError):
        rules.pdf_file_name(1, "bar")


def test_receipt_context_has_a_line_per_item_and_the_posted_total():
    order = {
        "id": 123456, "price": 700, "address": "г. Уфа", "point_id": 1,
        "client": {"name": "Иван", "phone": "9173332222"},
        "items": [{"name": "Пицца", "quantity": 2, "unit_price": 250},
                  {"name": "Ролл", "quantity": 1, "unit_price": 280.5}],
    }
    context = rules.receipt_context(order)
    assert context["number"] == 123456
    assert (context["client_name"], context["client_phone"], context["address"]) == ("Иван", "9173332222", "г. Уфа")
    assert context["lines"] == [
        {"name": "Пицца", "quantity": 2, "unit_price": "250", "sum": "500"},
        {"name": "Ролл", "quantity": 1, "unit_price": "280.50", "sum": "280.50"},
    ]
    assert context["total"] == "700"  # the shop's price (a discount), not recomputed
    assert context["items_total"] == "780.50"


def test_contract_texts_are_exact():
    assert rules.CREATED == "Чеки успешно созданы"
    assert rules.NO_PRINTERS == "Для данной точки не настроено ни одного принтера"
    assert rules.ALREADY_CREATED == "Для данного заказа уже созданы чеки"
