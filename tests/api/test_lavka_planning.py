"""POST /orders/assign and GET /couriers/assignments: lavka.md, Day planning; planning.md."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from delivery.domain.planner import CourierIn, OrderIn, PlannedTrip, validate
from delivery.models import Trip
from delivery.services import planning
from tests.helpers import complete, courier, order, post_couriers, post_orders

D = "2023-04-22"
T = "2023-04-22T10:40:00Z"


def assign(client, day: str | None = D):
    response = client.post("/orders/assign" + (f"?date={day}" if day else ""))
    assert response.status_code == 201, response.data
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1
    return body[0]


def delivered(body) -> list[int]:
    return [o["order_id"] for c in body["couriers"] for g in c["orders"] for o in g["orders"]]


def stored_plan(session, couriers, orders) -> list[str]:
    """Check the stored trips with the independent validator of the planner."""
    trips = []
    for trip in session.scalars(select(Trip).order_by(Trip.id)):
        trips.append(PlannedTrip(trip.courier_id, trip.start_minute,
                                 tuple((o.id, o.planned_minute) for o in trip.orders)))
    return validate(couriers, orders, trips)


def test_plans_open_orders_into_valid_trips(client, session):
    post_couriers(client, courier("FOOT", [1], ["10:00-12:00"]), courier("BIKE", [2], ["09:00-11:00"]))
    sent = post_orders(client, *[order(1, 1, ["10:00-12:00"], 100 + i) for i in range(4)],
                       order(2, 2, ["09:00-10:00"], 50))
    body = assign(client)
    assert body["date"] == D
    assert sorted(delivered(body)) == [1, 2, 3, 4, 5]
    assert [c["courier_id"] for c in body["couriers"]] == [1, 2]
    groups = [g["group_order_id"] for c in body["couriers"] for g in c["orders"]]
    assert groups == sorted(groups) and len(set(groups)) == len(groups)
    by_id = {o["order_id"]: o for o in sent}
    for c in body["couriers"]:
        for g in c["orders"]:
            assert g["orders"] and all(o == by_id[o["order_id"]] for o in g["orders"])
    couriers = [CourierIn(1, "FOOT", (1,), ((600, 720),)), CourierIn(2, "BIKE", (2,), ((540, 660),))]
    orders = [OrderIn(i + 1, 1, 1, ((600, 720),), 100 + i) for i in range(4)] + [OrderIn(5, 2, 2, ((540, 600),), 50)]
    assert stored_plan(session, couriers, orders) == []
    # Each order is planned once: the next call finds nothing new.
    assert assign(client) == {"date": D, "couriers": []}


def test_assignments_show_the_day(client):
    post_couriers(client, courier("AUTO", [1, 2], ["08:00-20:00"]), courier("FOOT", [9], ["10:00-11:00"]))
    post_orders(client, order(5, 1), order(5, 2))
    planned = assign(client)
    assert client.get(f"/couriers/assignments?date={D}").get_json() == planned
    assert client.get(f"/couriers/assignments?date={D}&courier_id=1").get_json() == planned
    assert client.get(f"/couriers/assignments?date={D}&courier_id=2").get_json() == {
        "date": D, "couriers": [{"courier_id": 2, "orders": []}]}
    assert client.get("/couriers/assignments?date=2023-04-23").get_json() == {
        "date": "2023-04-23", "couriers": []}


def test_assigned_orders_are_completed_by_their_courier_and_stay_listed(client):
    post_couriers(client, courier("FOOT", [1]), courier("FOOT", [1], ["18:00-19:00"]))
    post_orders(client, order())
    body = assign(client)
    assert body["couriers"][0]["courier_id"] == 1
    assert complete(client, (2, 1, T)).status_code == 400
    done = complete(client, (1, 1, T))
    assert done.status_code == 200 and done.get_json()[0]["completed_time"] == T
    listed = client.get(f"/couriers/assignments?date={D}").get_json()
    assert listed["couriers"][0]["orders"][0]["orders"][0]["completed_time"] == T
    # Completed orders are not planned again.
    assert assign(client, "2023-04-23")["couriers"] == []


def test_unplannable_orders_wait_for_the_next_call(client):
    post_couriers(client, courier("AUTO", [1], ["10:00-12:00"]))
    post_orders(client, order(41, 1), order(1, 2), order(1, 1, ["13:00-14:00"]), order(1, 1))
    assert delivered(assign(client)) == [4]
    post_couriers(client, courier("AUTO", [2], ["10:00-12:00"]), courier("FOOT", [1], ["12:30-14:30"]))
    assert sorted(delivered(assign(client))) == [2, 3]


def test_new_trips_respect_the_courier_s_busy_time(client, session):
    post_couriers(client, courier("FOOT", [1], ["10:00-11:00"]))
    post_orders(client, order(1, 1, ["10:00-11:00"]))
    assign(client)
    post_orders(client, *[order(1, 1, ["10:00-11:00"]) for _ in range(3)])
    assign(client)
    spans = sorted((t.start_minute, t.end_minute) for t in session.scalars(select(Trip)))
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    # Another day is free again.
    assert delivered(assign(client, "2023-04-23"))


def test_date_defaults_to_today_utc(client):
    before = datetime.now(timezone.utc).date().isoformat()
    body = assign(client, None)
    after = datetime.now(timezone.utc).date().isoformat()
    assert body["date"] in (before, after) and body["couriers"] == []
    listed = client.get("/couriers/assignments").get_json()
    assert listed["date"] in (before, after)


def test_the_plan_searches_as_long_as_the_setting_says(client, app, monkeypatch):
    seen = []
    monkeypatch.setitem(app.config, "PLAN_TIME_LIMIT", 0.25)
    monkeypatch.setattr(planning, "plan", lambda *args, time_limit: seen.append(time_limit) or [])
    post_couriers(client, courier())
    post_orders(client, order())
    assert assign(client) == {"date": D, "couriers": []} and seen == [0.25]


@pytest.mark.parametrize("query", ["date=x", "date=2023-13-01", "date=20230422", "date=",
                                   "date=2023-04-22T00:00:00"])
def test_bad_plan_date_is_400(client, query):
    response = client.post(f"/orders/assign?{query}")
    assert (response.status_code, response.get_json()) == (400, {})


@pytest.mark.parametrize("query", ["date=x", "date=2023-02-30", "courier_id=x", "courier_id=0",
                                   "courier_id=-1", "courier_id=1.5", "courier_id=7", "courier_id="])
def test_bad_assignments_query_is_400(client, query):
    post_couriers(client, courier())
    response = client.get(f"/couriers/assignments?{query}")
    assert (response.status_code, response.get_json()) == (400, {})


def test_concurrent_plans_never_assign_an_order_twice(make_app, app, session):
    racer = make_app(PLAN_TIME_LIMIT=0.3)
    client = racer.test_client()
    post_couriers(client, *[courier("BIKE", [1, 2], ["08:00-20:00"]) for _ in range(3)])
    post_orders(client, *[order(2, 1 + i % 2, ["08:00-20:00"], 10 + i) for i in range(30)])
    barrier = threading.Barrier(2)
    bodies: list[dict] = []

    def run() -> None:
        c = racer.test_client()
        barrier.wait()
        bodies.append(assign(c))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    ids = [i for body in bodies for i in delivered(body)]
    assert len(ids) == len(set(ids)) == 30
    session.expire_all()
    assert all(trip.orders for trip in session.scalars(select(Trip)))


def test_couriers_and_orders_of_the_dispatch_door_do_not_break_planning(client, session):
    from delivery.models import Courier, Order
    from delivery.services import districts

    districts.ensure_ids(session, [1])
    session.add(Courier(name="Ann", type="FOOT", working_hours=[]))  # no hours, no districts
    session.add(Order(name="Soup", weight=1, district_id=1, delivery_hours=[], cost=5))
    session.commit()
    post_couriers(client, courier("FOOT", [1], ["10:00-12:00"]))
    post_orders(client, order())
    assert delivered(assign(client)) == [2]


def test_swagger_ui_is_served(client):
    assert client.get("/swagger-ui").status_code == 200
