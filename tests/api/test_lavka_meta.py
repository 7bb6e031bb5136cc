"""GET /couriers/meta-info/{id}: lavka.md, Meta-info (window, arithmetic, spellings, errors)."""
from __future__ import annotations

import pytest

from tests.helpers import complete, courier, order, post_couriers, post_orders

LENIENT = {"LAVKA_STRICT_COMPLETE": False}


@pytest.fixture
def lenient(make_app, app):
    """A client whose couriers may complete unassigned orders (so the test needs no planning)."""
    return make_app(**LENIENT).test_client()


def deliver(client, courier_id: int, costs_and_times) -> None:
    orders = post_orders(client, *[order(cost=c) for c, _ in costs_and_times])
    items = [(courier_id, o["order_id"], t) for o, (_, t) in zip(orders, costs_and_times)]
    assert complete(client, *items).status_code == 200


def meta(client, courier_id=1, start="2023-01-01", end="2023-01-02", camel=False):
    names = ("startDate", "endDate") if camel else ("start_date", "end_date")
    return client.get(f"/couriers/meta-info/{courier_id}?{names[0]}={start}&{names[1]}={end}")


@pytest.mark.parametrize("kind,earn_c,rating_c", [("FOOT", 2, 3), ("BIKE", 3, 2), ("AUTO", 4, 1)])
def test_earnings_and_rating_per_type(lenient, kind, earn_c, rating_c):
    post_couriers(lenient, courier(kind, [1], ["08:00-20:00"]))
    deliver(lenient, 1, [(100, "2023-01-01T10:00:00Z"), (250, "2023-01-01T23:59:59.999Z")])
    body = meta(lenient).get_json()
    assert body == {"courier_id": 1, "courier_type": kind, "regions": [1],
                    "working_hours": ["08:00-20:00"], "earnings": 350 * earn_c,
                    "rating": int(2 / 24 * rating_c)}


def test_rating_truncates_after_float_division(lenient):
    # lavka.md: 9 orders in 24 h by FOOT -> 9 / 24 * 3 = 1.125 -> 1.
    post_couriers(lenient, courier("FOOT"))
    deliver(lenient, 1, [(10, f"2023-01-01T{h:02d}:00:00Z") for h in range(9)])
    assert meta(lenient).get_json()["rating"] == 1
    # 16 in 24 h: 2.0 exactly; over two days the same 16 give 16 / 48 * 3 = 1.0.
    deliver(lenient, 1, [(10, f"2023-01-01T{h:02d}:30:00Z") for h in range(7)])
    assert meta(lenient).get_json()["rating"] == 2
    assert meta(lenient, end="2023-01-03").get_json()["rating"] == 1


def test_window_is_start_inclusive_end_exclusive(lenient):
    post_couriers(lenient, courier("AUTO"), courier("AUTO"))
    deliver(lenient, 1, [
        (1, "2022-12-31T23:59:59.999Z"),  # before
        (10, "2023-01-01T00:00:00Z"),     # first instant: in
        (100, "2023-01-02T00:00:00Z"),    # end: out
        (1000, "2023-01-01T23:30:00-01:00"),  # 2023-01-02T00:30Z: out
    ])
    deliver(lenient, 2, [(5, "2023-01-01T12:00:00Z")])  # another courier's
    assert meta(lenient).get_json()["earnings"] == 10 * 4


def test_no_completed_order_leaves_the_keys_out(lenient):
    post_couriers(lenient, courier())
    post_orders(lenient, order())
    body = meta(lenient).get_json()
    assert "earnings" not in body and "rating" not in body
    assert body["courier_id"] == 1
    # start == end is an empty window: accepted, nothing counted, no division by zero.
    deliver(lenient, 1, [(10, "2023-01-01T10:00:00Z")])
    same = meta(lenient, start="2023-01-01", end="2023-01-01")
    assert same.status_code == 200 and "rating" not in same.get_json()


def test_spec_spelling_of_the_parameters(lenient):
    post_couriers(lenient, courier())
    deliver(lenient, 1, [(10, "2023-01-01T10:00:00Z")])
    assert meta(lenient, camel=True).get_json() == meta(lenient).get_json()
    assert meta(lenient, camel=True).get_json()["earnings"] == 20


BAD_QUERIES = {
    "no dates": "",
    "no end": "start_date=2023-01-01",
    "no start": "endDate=2023-01-02",
    "end before start": "start_date=2023-01-02&end_date=2023-01-01",
    "not a date": "start_date=yesterday&end_date=2023-01-02",
    "impossible date": "start_date=2023-02-30&end_date=2023-03-02",
    "compact date": "start_date=20230101&end_date=20230102",
    "datetime": "start_date=2023-01-01T00:00:00&end_date=2023-01-02",
    "empty": "start_date=&end_date=2023-01-02",
    "one digit month": "startDate=2023-1-01&endDate=2023-01-02",
    "trailing newline": "start_date=2023-01-01%0A&end_date=2023-01-02",
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_bad_dates_are_400(client, query):
    post_couriers(client, courier())
    response = client.get(f"/couriers/meta-info/1?{query}")
    assert (response.status_code, response.get_json()) == (400, {})


@pytest.mark.parametrize("raw", ["x", "0", "-1", str(2**63)])
def test_bad_id_is_400(client, raw):
    response = meta(client, raw)
    assert (response.status_code, response.get_json()) == (400, {})


def test_unknown_courier_is_404(client):
    response = meta(client, 7)
    assert (response.status_code, response.get_json()) == (404, {})


def test_the_snake_case_spelling_wins_when_both_are_given(lenient):
    post_couriers(lenient, courier())
    deliver(lenient, 1, [(10, "2023-01-01T10:00:00Z")])
    response = lenient.get("/couriers/meta-info/1?start_date=2023-01-01&startDate=bad&endDate=2023-01-02")
    assert (response.status_code, response.get_json()["earnings"]) == (200, 20)
