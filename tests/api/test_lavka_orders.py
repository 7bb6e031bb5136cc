"""POST /orders, GET /orders/{id}, GET /orders: lavka.md, Orders and Conventions."""
from __future__ import annotations

import pytest

from tests.helpers import order, post_orders

INT32_MAX = 2**31 - 1


def test_batch_returns_a_bare_array_in_order(client):
    sent = [
        order(2.5, 1, ["10:00-12:00"], 100),
        order(41, 3, ["14:00-15:00", "09:00-10:00", "09:00-10:00"], 0),  # heavier than 40: accepted
        order(0.01, INT32_MAX, ["00:00-23:59"], INT32_MAX),
    ]
    response = client.post("/orders", json={"orders": sent})
    assert response.status_code == 200
    expected = [{"order_id": i, **o, "completed_time": None} for i, o in enumerate(sent, start=1)]
    assert response.get_json() == expected
    for dto in expected:
        got = client.get(f"/orders/{dto['order_id']}").get_json()
        assert got == dto
        assert "completed_time" in got and got["completed_time"] is None


def test_integer_weight_is_a_number(client):
    assert post_orders(client, order(weight=5))[0]["weight"] == 5


def test_integers_may_be_written_with_a_fraction_or_an_exponent(client):
    # JSON has one number type; lavka.md refuses only a non-integral number for an integer.
    raw = '{"orders": [{"weight": 1, "regions": 3.0, "delivery_hours": ["10:00-12:00"], "cost": 1e2}]}'
    response = client.post("/orders", data=raw, content_type="application/json")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('"regions":3,') == 1
    assert response.get_json()[0]["cost"] == 100 and isinstance(response.get_json()[0]["cost"], int)


def test_unknown_fields_are_ignored(client):
    response = client.post("/orders", json={"orders": [{**order(), "order_id": 77, "x": 1}], "y": 2})
    assert response.status_code == 200
    assert response.get_json()[0]["order_id"] == 1


GOOD = order()
BAD_ORDERS = {
    "missing weight": {k: v for k, v in GOOD.items() if k != "weight"},
    "missing regions": {k: v for k, v in GOOD.items() if k != "regions"},
    "missing hours": {k: v for k, v in GOOD.items() if k != "delivery_hours"},
    "missing cost": {k: v for k, v in GOOD.items() if k != "cost"},
    "null weight": {**GOOD, "weight": None},
    "null regions": {**GOOD, "regions": None},
    "null hours": {**GOOD, "delivery_hours": None},
    "null cost": {**GOOD, "cost": None},
    "weight zero": {**GOOD, "weight": 0},
    "weight negative": {**GOOD, "weight": -1.5},
    "weight as string": {**GOOD, "weight": "1.5"},
    "weight as bool": {**GOOD, "weight": True},
    "weight as list": {**GOOD, "weight": [1]},
    "regions as list": {**GOOD, "regions": [1]},
    "regions as string": {**GOOD, "regions": "1"},
    "regions as float": {**GOOD, "regions": 1.5},
    "regions as bool": {**GOOD, "regions": True},
    "regions zero": {**GOOD, "regions": 0},
    "regions above int32": {**GOOD, "regions": INT32_MAX + 1},
    "cost negative": {**GOOD, "cost": -1},
    "cost as float": {**GOOD, "cost": 10.5},
    "cost as string": {**GOOD, "cost": "10"},
    "cost above int32": {**GOOD, "cost": INT32_MAX + 1},
    "empty hours": {**GOOD, "delivery_hours": []},
    "hours not a list": {**GOOD, "delivery_hours": "10:00-12:00"},
    "interval not a string": {**GOOD, "delivery_hours": [10]},
    "interval reversed": {**GOOD, "delivery_hours": ["12:00-10:00"]},
    "interval zero length": {**GOOD, "delivery_hours": ["12:00-12:00"]},
    "interval bad format": {**GOOD, "delivery_hours": ["10-12"]},
    "order not an object": [1],
}


@pytest.mark.parametrize("bad", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_invalid_order_rejects_the_whole_batch(client, bad):
    response = client.post("/orders", json={"orders": [GOOD, bad]})
    assert response.status_code == 400
    assert response.get_json() == {}
    assert post_orders(client, GOOD)[0]["order_id"] == 1


@pytest.mark.parametrize("data", ["{", "", "[]", "{}", "{\"orders\": null}", "{\"orders\": []}",
                                  "{\"orders\": {}}", "NaN"])
def test_bad_body_is_400(client, data):
    response = client.post("/orders", data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {}


def test_non_finite_weight_is_400(client):
    body = '{"orders": [{"weight": NaN, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 1}]}'
    assert client.post("/orders", data=body, content_type="application/json").status_code == 400
    body = body.replace("NaN", "1e400")
    assert client.post("/orders", data=body, content_type="application/json").status_code == 400


@pytest.mark.parametrize("raw", ["x", "0", "-5", "2.0", str(2**63)])
def test_bad_path_id_is_400(client, raw):
    response = client.get(f"/orders/{raw}")
    assert (response.status_code, response.get_json()) == (400, {})


def test_unknown_order_is_404(client):
    response = client.get("/orders/1")
    assert (response.status_code, response.get_json()) == (404, {})


def test_paging_is_a_bare_array(client):
    post_orders(client, *[order(cost=i) for i in range(5)])
    assert [o["order_id"] for o in client.get("/orders").get_json()] == [1]
    assert [o["order_id"] for o in client.get("/orders?offset=2&limit=2").get_json()] == [3, 4]
    assert client.get("/orders?offset=5&limit=3").get_json() == []


@pytest.mark.parametrize("query", ["limit=0", "offset=-1", "limit=a", "offset=1.0",
                                   f"limit={INT32_MAX + 1}"])
def test_bad_paging_is_400(client, query):
    response = client.get(f"/orders?{query}")
    assert (response.status_code, response.get_json()) == (400, {})


def test_routes_are_not_swallowed_by_the_id_route(client):
    # POST /orders/complete is its own route; a GET there reads the order id "complete": a bad id.
    assert client.post("/orders/complete", json={}).status_code == 400
    assert client.get("/orders/complete").status_code == 400
    assert client.post("/orders/1").status_code == 405
