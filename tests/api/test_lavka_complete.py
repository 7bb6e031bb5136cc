"""POST /orders/complete: lavka.md, Orders (completion rules, atomicity, idempotency, precision)."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from delivery.models import Courier, Order, Trip
from tests.helpers import complete, courier, order, post_couriers, post_orders

T = "2023-04-22T10:13:00.876Z"


def assign(session, order_id: int, courier_id: int, *, live: bool = False) -> None:
    """Assign an order as a planned trip (or live dispatch) would."""
    row = session.get(Order, order_id)
    row.status, row.courier_id, row.assigned_at = "assigned", courier_id, datetime(2023, 4, 22, 9)
    if live:
        session.flush()
        session.get(Courier, courier_id).active_order_id = order_id
    else:
        trip = Trip(courier_id=courier_id, date=date(2023, 4, 22), start_minute=600, end_minute=625)
        session.add(trip)
        session.flush()
        row.trip_id, row.planned_minute = trip.id, 625
    session.commit()


@pytest.fixture
def world(client, session):
    """Couriers 1 and 2; orders 1 and 2 assigned to courier 1, order 3 new."""
    post_couriers(client, courier(), courier())
    post_orders(client, order(cost=10), order(cost=20), order(cost=30))
    assign(session, 1, 1)
    assign(session, 2, 1)
    return client


def test_completes_in_request_order(world):
    response = complete(world, (1, 2, T), (1, 1, "2023-05-01T12:00:00Z"))
    assert response.status_code == 200
    assert response.get_json() == [
        {"order_id": 2, "weight": 1.0, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 20,
         "completed_time": T},
        {"order_id": 1, "weight": 1.0, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 10,
         "completed_time": "2023-05-01T12:00:00Z"},
    ]
    assert world.get("/orders/2").get_json()["completed_time"] == T


def test_ids_may_be_whole_numbers_written_with_a_fraction(world):
    # JSON has one number type; lavka.md refuses only a non-integral number for an integer.
    response = world.post("/orders/complete", data='{"complete_info": [{"courier_id": 1.0, "order_id": 2e0, '
                          f'"complete_time": "{T}"}}]}}', content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()[0]["order_id"] == 2


@pytest.mark.parametrize("sent,shown", [
    ("2023-04-22T10:13:00.876Z", "2023-04-22T10:13:00.876Z"),
    ("2023-05-01T12:00:00Z", "2023-05-01T12:00:00Z"),
    ("2023-05-01T12:00:00.000Z", "2023-05-01T12:00:00.000Z"),
    ("2023-05-01T12:00:00.5Z", "2023-05-01T12:00:00.5Z"),
    ("2023-05-01T12:00:00.123456789Z", "2023-05-01T12:00:00.123Z"),
    ("2023-05-01T15:30:00+03:00", "2023-05-01T12:30:00Z"),
    ("2023-05-01T00:30:00.25-01:00", "2023-05-01T01:30:00.25Z"),
    ("2023-05-01T12:00:00", "2023-05-01T12:00:00Z"),
    ("2023-05-01t12:00:00z", "2023-05-01T12:00:00Z"),
])
def test_complete_time_is_utc_with_the_received_precision(world, sent, shown):
    response = complete(world, (1, 1, sent))
    assert response.status_code == 200
    assert response.get_json()[0]["completed_time"] == shown


def test_repeat_by_the_same_courier_keeps_the_first_time(world):
    assert complete(world, (1, 1, T)).status_code == 200
    again = complete(world, (1, 1, "2024-01-01T00:00:00Z"))
    assert again.status_code == 200
    assert again.get_json()[0]["completed_time"] == T
    # The same order twice in one request is fine too.
    both = complete(world, (1, 2, T), (1, 2, "2024-01-01T00:00:00Z"))
    assert [o["completed_time"] for o in both.get_json()] == [T, T]


@pytest.mark.parametrize("items", [
    [(1, 99, T)],                    # order does not exist
    [(99, 1, T)],                    # courier does not exist
    [(2, 1, T)],                     # assigned to another courier
    [(1, 3, T)],                     # never assigned
    [(1, 1, T), (2, 2, T)],          # one bad item spoils the request
    [(1, 1, T), (2, 1, T)],          # the same order by two couriers
], ids=["no order", "no courier", "other courier", "never assigned", "atomic", "two couriers"])
def test_refusals_are_400_and_change_nothing(world, items):
    response = complete(world, *items)
    assert (response.status_code, response.get_json()) == (400, {})
    for order_id in (1, 2, 3):
        assert world.get(f"/orders/{order_id}").get_json()["completed_time"] is None


def test_completed_order_cannot_be_completed_by_another_courier(world):
    assert complete(world, (1, 1, T)).status_code == 200
    assert complete(world, (2, 1, T)).status_code == 400


GOOD = {"courier_id": 1, "order_id": 1, "complete_time": T}
BAD_ITEMS = {
    "missing courier": {"order_id": 1, "complete_time": T},
    "missing order": {"courier_id": 1, "complete_time": T},
    "missing time": {"courier_id": 1, "order_id": 1},
    "null time": {**GOOD, "complete_time": None},
    "null courier": {**GOOD, "courier_id": None},
    "courier as string": {**GOOD, "courier_id": "1"},
    "order as float": {**GOOD, "order_id": 1.5},
    "courier as float": {**GOOD, "courier_id": 1e-3},
    "order as bool": {**GOOD, "order_id": True},
    "id above int64": {**GOOD, "order_id": 2**63},
    "time as number": {**GOOD, "complete_time": 1682158380},
    "time as date": {**GOOD, "complete_time": "2023-04-22"},
    "time garbage": {**GOOD, "complete_time": "yesterday"},
    "impossible date": {**GOOD, "complete_time": "2023-02-30T10:00:00Z"},
    "bad hour": {**GOOD, "complete_time": "2023-04-22T24:00:00Z"},
    "bad offset": {**GOOD, "complete_time": "2023-04-22T10:00:00+25:00"},
    "offset without colon": {**GOOD, "complete_time": "2023-04-22T10:00:00+0300"},
    "year out of range after offset": {**GOOD, "complete_time": "0001-01-01T00:00:00+01:00"},
    "trailing newline": {**GOOD, "complete_time": T + "\n"},
    "non-ASCII digits": {**GOOD, "complete_time": "\u0662023-04-22T10:13:00Z"},
    "item not an object": 1,
}


@pytest.mark.parametrize("item", BAD_ITEMS.values(), ids=BAD_ITEMS.keys())
def test_bad_item_is_400(world, item):
    response = world.post("/orders/complete", json={"complete_info": [item]})
    assert (response.status_code, response.get_json()) == (400, {})


@pytest.mark.parametrize("body", [{}, {"complete_info": []}, {"complete_info": None}, []])
def test_bad_body_is_400(world, body):
    response = world.post("/orders/complete", json=body)
    assert (response.status_code, response.get_json()) == (400, {})


def test_lenient_mode_binds_a_never_assigned_order(make_app, app):
    lenient = make_app(LAVKA_STRICT_COMPLETE=False).test_client()
    post_couriers(lenient, courier(), courier())
    post_orders(lenient, order())
    assert complete(lenient, (99, 1, T)).status_code == 400  # the courier must still exist
    response = complete(lenient, (2, 1, T))
    assert response.status_code == 200
    assert complete(lenient, (1, 1, T)).status_code == 400  # now it is courier 2's
    assert complete(lenient, (2, 1, "2030-01-01T00:00:00Z")).get_json()[0]["completed_time"] == T


def test_strict_setting_comes_from_the_environment_spelling(make_app, app):
    assert make_app(LAVKA_STRICT_COMPLETE="0").config["LAVKA_STRICT_COMPLETE"] is False


def test_completion_frees_a_live_dispatch_courier(world, session):
    assign(session, 3, 2, live=True)
    assert complete(world, (2, 3, "2023-04-22T11:00:00.250+01:00")).status_code == 200
    session.expire_all()
    carrier = session.get(Courier, 2)
    assert carrier.active_order_id is None
    assert carrier.free_since == datetime(2023, 4, 22, 10, 0, 0, 250000)


def test_concurrent_completions_by_two_couriers_let_one_win(make_app, app, session):
    """Threads race to complete one order as two couriers: exactly one 200."""
    lenient = make_app(LAVKA_STRICT_COMPLETE=False)
    post_couriers(lenient.test_client(), courier(), courier())
    post_orders(lenient.test_client(), order())  # never assigned: either courier may take it
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def run(courier_id: int) -> None:
        c = lenient.test_client()
        barrier.wait()
        codes.append(complete(c, (courier_id, 1, T)).status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [200, 400]
