"""Reading import files into the Lavka API's item shapes, row by row."""
from __future__ import annotations

import pytest

from delivery.ui.imports import courier_item, order_item, read_rows


def test_csv_rows_become_items():
    rows = read_rows("couriers", "c.csv", b"courier_type,regions,working_hours\nFOOT,1;2,09:00-11:00;12:00-14:00\n")
    assert courier_item(rows[0]) == {
        "courier_type": "FOOT", "regions": [1, 2], "working_hours": ["09:00-11:00", "12:00-14:00"]
    }
    rows = read_rows("orders", "o.csv", b"weight,regions,delivery_hours,cost\n2.5,3,10:00-12:00,100\n")
    assert order_item(rows[0]) == {"weight": 2.5, "regions": 3, "delivery_hours": ["10:00-12:00"], "cost": 100}


def test_json_body_or_list():
    body = b'{"orders": [{"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 5}]}'
    assert read_rows("orders", "o.json", body)[0]["cost"] == 5
    assert read_rows("orders", "o.json", b"[{}]") == [{}]


@pytest.mark.parametrize(
    "raw,message",
    [
        ({"courier_type": "JET", "regions": [1], "working_hours": ["09:00-10:00"]}, "courier_type"),
        ({"courier_type": "FOOT", "regions": [], "working_hours": ["09:00-10:00"]}, "regions"),
        ({"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-09:00"]},
         r"working_hours: '10:00-09:00' must start before it ends"),
        ({"courier_type": "FOOT", "regions": [1], "working_hours": ["9-18"]},
         r"working_hours: '9-18' is not an HH:MM-HH:MM interval"),
        ({"courier_type": "FOOT", "regions": "x", "working_hours": "09:00-10:00"}, "whole number"),
    ],
)
def test_bad_courier_rows(raw, message):
    with pytest.raises(ValueError, match=message):
        courier_item(raw)


@pytest.mark.parametrize(
    "raw,message",
    [
        ({"weight": 0, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 1}, "above 0"),
        ({"weight": "a", "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 1}, "number"),
        ({"weight": 1, "regions": 1, "delivery_hours": [], "cost": 1}, "empty"),
        ({"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 1.5}, "whole number"),
        ({"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"]}, "^cost is missing$"),
        ({"weight": 1, "regions": "", "delivery_hours": ["10:00-11:00"], "cost": 1}, "^regions is missing$"),
        ({"regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 1}, "^weight is missing$"),
    ],
)
def test_bad_order_rows(raw, message):
    with pytest.raises(ValueError, match=message):
        order_item(raw)


def test_json_nested_too_deeply_is_a_file_error_not_a_crash():
    with pytest.raises(ValueError, match="not valid JSON"):
        read_rows("orders", "o.json", b"[" * 20000 + b"]" * 20000)
