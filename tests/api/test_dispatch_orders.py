"""Dispatch API, orders: assignment to the longest-free courier, refusals, reading and completion."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from delivery.domain.errors import Conflict
from delivery.models import Courier, CourierDistrict, District, Order, Trip
from tests.helpers import postgres_only, register


def post_order(client, district="Center", name="Soup", path="/order/"):
    return client.post(path, json={"name": name, "district": district})


def courier_row(session, courier_uuid: str) -> Courier:
    session.expire_all()
    return session.scalar(select(Courier).where(Courier.uuid == uuid.UUID(courier_uuid)))


@pytest.mark.parametrize("path", ["/order/", "/order"])
def test_order_goes_to_a_free_courier(client, session, path):
    courier = register(client, "Ann", ["Center"])
    response = post_order(client, path=path)
    assert response.status_code == 201
    body = response.get_json()
    assert body["courier_id"] == courier["id"] and set(body) == {"order_id", "courier_id"}
    order = session.scalar(select(Order).where(Order.uuid == uuid.UUID(body["order_id"])))
    row = courier_row(session, courier["id"])
    assert order.status == "assigned" and order.courier_id == row.id and order.assigned_at is not None
    assert row.active_order_id == order.id and row.free_since is None


def test_no_free_courier_is_409_and_stores_nothing(client, session):
    register(client, "Ann", ["Center"])
    assert post_order(client).status_code == 201
    response = post_order(client, name="Second")
    assert response.status_code == 409
    assert response.get_json() == {"detail": "No free courier in district Center"}
    assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_unknown_district_is_409_and_creates_no_district(client, session):
    register(client, "Ann", ["Center"])
    response = post_order(client, district="Nowhere")
    assert response.status_code == 409
    assert response.get_json() == {"detail": "No free courier in district Nowhere"}
    assert session.scalars(select(District.name)).all() == ["Center"]
    assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_courier_of_another_district_is_not_used(client):
    register(client, "Ann", ["North"])
    assert post_order(client, district="Center").status_code == 409


def test_longest_free_courier_gets_the_order(client):
    ann = register(client, "Ann", ["Center"])
    bob = register(client, "Bob", ["Center", "North"])
    first = post_order(client).get_json()
    assert first["courier_id"] == ann["id"]  # free since registration, before Bob
    client.post(f"/order/{first['order_id']}")  # Ann is free again, but only from now
    assert post_order(client).get_json()["courier_id"] == bob["id"]
    assert post_order(client).get_json()["courier_id"] == ann["id"]


def test_ties_go_to_the_earliest_registered(client, session):
    ids = [register(client, name, ["Center"])["id"] for name in ("Ann", "Bob", "Cat")]
    session.execute(update(Courier).values(free_since=datetime(2026, 1, 1)))
    session.commit()
    assert [post_order(client).get_json()["courier_id"] for _ in ids] == ids


def test_courier_with_a_planned_trip_order_is_not_free(client, session):
    ann = register(client, "Ann", ["Center"])
    bob = register(client, "Bob", ["Center"])
    ann_row = courier_row(session, ann["id"])
    trip = Trip(courier_id=ann_row.id, date=date(2026, 1, 1), start_minute=0, end_minute=60)
    session.add(trip)
    session.flush()
    session.add(Order(district_id=1, status="assigned", courier_id=ann_row.id, trip_id=trip.id))
    session.commit()
    assert post_order(client).get_json()["courier_id"] == bob["id"]
    assert post_order(client).status_code == 409


def test_database_refuses_a_second_live_order(client, session):
    ann = register(client, "Ann", ["Center"])
    post_order(client)
    row = courier_row(session, ann["id"])
    session.add(Order(district_id=1, status="assigned", courier_id=row.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


@pytest.mark.postgres
@postgres_only
def test_loser_of_a_race_takes_the_next_courier(app, client, session):
    """A live order for Ann that another transaction has not committed yet is invisible to the pick,
    which therefore takes Ann; the partial unique index refuses the second order once the other
    commits, and the dispatch goes on to Bob instead of failing."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    ann = register(client, "Ann", ["Center"])
    bob = register(client, "Bob", ["Center"])
    ann_row = courier_row(session, ann["id"])
    session.rollback()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as other:
            other.execute(text(
                "INSERT INTO orders (uuid, district_id, status, courier_id, weight, cost, delivery_hours) "
                "VALUES (:uuid, 1, 'assigned', :courier, 1, 0, '[]')"), {"uuid": uuid.uuid4(), "courier": ann_row.id})
            answer = {}
            racer = threading.Thread(target=lambda: answer.update(response=post_order(app.test_client(), name="Raced")))
            racer.start()
            time.sleep(0.5)  # let the post reach the unique index; correctness does not hang on it
            other.commit()
            racer.join(60)
    finally:
        engine.dispose()
    response = answer["response"]
    assert response.status_code == 201
    assert response.get_json()["courier_id"] == bob["id"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Order).where(Order.courier_id == ann_row.id)) == 1
    assert courier_row(session, bob["id"]).active_order_id is not None


@pytest.mark.postgres
@postgres_only
def test_dispatch_after_the_server_ended_its_pooled_connections(app, client, session):
    """A dispatch is not pinged first; a pooled connection the server ended (a restart) is noticed
    without a round trip and replaced, so the post still gets its 201, once."""
    import time

    from sqlalchemy import text

    register(client, "Ann", ["Center"])
    register(client, "Bob", ["Center"])
    assert post_order(client).status_code == 201  # the autocommit pool now holds a connection
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    session.execute(text(f"SELECT pg_terminate_backend(pid) {others}"))
    session.commit()
    for _ in range(100):  # until those backends are gone (bounded)
        if not session.execute(text(f"SELECT count(*) {others}")).scalar():
            break
        session.rollback()
        time.sleep(0.05)
    session.rollback()
    response = post_order(client, name="After")
    assert response.status_code == 201
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Order).where(Order.name == "After")) == 1


@pytest.mark.parametrize(
    "body",
    [{"name": "", "district": "A"}, {"name": "x", "district": ""}, {"name": "x"}, {"district": "A"},
     {"name": "x", "district": ["A"]}, {"name": 1, "district": "A"}],
)
def test_dispatch_rejects_invalid_bodies(client, session, body):
    register(client, "Ann", ["A"])
    response = client.post("/order/", json=body)
    assert response.status_code == 422
    assert set(response.get_json()) == {"detail"}
    assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_dispatch_rejects_malformed_json(client):
    response = client.post("/order", data="{", content_type="application/json")
    assert response.status_code == 422
    assert set(response.get_json()) == {"detail"}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_order_in_progress_then_completed(client, suffix):
    courier = register(client, "Ann", ["Center"])
    order = post_order(client, name="Soup").get_json()
    path = f"/order/{order['order_id']}{suffix}"
    expected = {"order_id": order["order_id"], "name": "Soup", "district": "Center",
                "courier_id": courier["id"], "status": 1}
    assert client.get(path).get_json() == expected
    client.post(path)
    assert client.get(path).get_json() == {**expected, "status": 2}


def test_get_unknown_order_is_404_and_malformed_id_422(client):
    response = client.get(f"/order/{uuid.uuid4()}")
    assert response.status_code == 404 and response.get_json() == {"detail": "Order not found"}
    for bad in ("12", "zzz", f"{uuid.uuid4()}x"):
        response = client.get(f"/order/{bad}")
        assert response.status_code == 422 and set(response.get_json()) == {"detail"}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_complete_frees_the_courier(client, session, suffix):
    courier = register(client, "Ann", ["Center"])
    order = post_order(client).get_json()
    response = client.post(f"/order/{order['order_id']}{suffix}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"order_id", "courier_id", "status", "completed_at"}
    assert body["order_id"] == order["order_id"] and body["courier_id"] == courier["id"]
    assert body["status"] == 2
    completed_at = datetime.fromisoformat(body["completed_at"].replace("Z", "+00:00"))
    assert completed_at.utcoffset().total_seconds() == 0
    row = courier_row(session, courier["id"])
    assert row.active_order_id is None
    assert row.free_since == completed_at.replace(tzinfo=None)
    stored = session.scalar(select(Order).where(Order.uuid == uuid.UUID(order["order_id"])))
    assert stored.status == "completed" and stored.completed_at == row.free_since
    assert post_order(client).status_code == 201  # free again


def test_complete_twice_is_409(client):
    register(client, "Ann", ["Center"])
    order = post_order(client).get_json()
    assert client.post(f"/order/{order['order_id']}").status_code == 200
    response = client.post(f"/order/{order['order_id']}/")
    assert response.status_code == 409
    assert response.get_json() == {"detail": "Order already completed"}


def test_complete_unknown_or_malformed(client):
    response = client.post(f"/order/{uuid.uuid4()}")
    assert response.status_code == 404 and response.get_json() == {"detail": "Order not found"}
    response = client.post("/order/not-a-uuid/")
    assert response.status_code == 422 and set(response.get_json()) == {"detail"}


def test_complete_an_unassigned_order_is_409(client, session):
    session.add(District(id=1, name="Center"))
    session.add(Order(district_id=1, status="new"))
    session.commit()
    order_uuid = session.scalar(select(Order.uuid))
    response = client.post(f"/order/{order_uuid}")
    assert response.status_code == 409
    assert client.get(f"/order/{order_uuid}").get_json()["status"] == 1


def test_courier_with_no_known_free_time_comes_last(client, session):
    session.add(District(id=1, name="Center"))
    lavka = Courier(type="BIKE", working_hours=[])  # written by hand: no free_since
    session.add(lavka)
    session.flush()
    lavka.districts = [CourierDistrict(position=0, district_id=1)]
    session.commit()
    ann = register(client, "Ann", ["Center"])
    assert post_order(client).get_json()["courier_id"] == ann["id"]
    assert post_order(client).get_json()["courier_id"] == str(lavka.uuid)


def test_a_lavka_courier_is_free_from_its_registration(client, session):
    # Registered between two dispatch couriers of the district: it is second in line, not last.
    first = register(client, "Ann", ["Center"])
    district_id = session.scalar(select(District.id).where(District.name == "Center"))
    lavka = client.post("/couriers", json={"couriers": [
        {"courier_type": "BIKE", "regions": [district_id], "working_hours": ["00:00-23:59"]}]})
    lavka_id = lavka.get_json()["couriers"][0]["courier_id"]
    lavka_uuid = str(session.scalar(select(Courier.uuid).where(Courier.id == lavka_id)))
    last = register(client, "Bob", ["Center"])
    got = [post_order(client).get_json()["courier_id"] for _ in range(3)]
    assert got == [first["id"], lavka_uuid, last["id"]]


def test_a_courier_finishing_its_planned_orders_is_free_from_then(client, session):
    # Free since its registration, it took a planned trip; completing that trip through the Lavka API
    # puts it behind a courier that registered while it was out.
    planned = register(client, "Ann", ["Center"])
    row = courier_row(session, planned["id"])
    trip = Trip(courier_id=row.id, date=date(2026, 1, 1), start_minute=0, end_minute=60)
    session.add(trip)
    session.flush()
    order = Order(district_id=1, status="assigned", courier_id=row.id, trip_id=trip.id,
                  weight=1, delivery_hours=["00:00-23:59"], cost=10)
    session.add(order)
    session.commit()
    other = register(client, "Bob", ["Center"])
    done = client.post("/orders/complete", json={"complete_info": [{
        "courier_id": row.id, "order_id": order.id,
        "complete_time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")}]})
    assert done.status_code == 200
    assert [post_order(client).get_json()["courier_id"] for _ in range(2)] == [other["id"], planned["id"]]


def test_a_completion_time_in_the_future_frees_the_courier_now(client, session):
    ann = register(client, "Ann", ["Center"])
    order_id = post_order(client).get_json()["order_id"]
    row = courier_row(session, ann["id"])
    order = session.scalar(select(Order).where(Order.uuid == uuid.UUID(order_id)))
    done = client.post("/orders/complete", json={"complete_info": [{
        "courier_id": row.id, "order_id": order.id, "complete_time": "2999-01-01T00:00:00Z"}]})
    assert done.status_code == 200
    row = courier_row(session, ann["id"])
    assert row.active_order_id is None and row.free_since <= datetime.now(timezone.utc).replace(tzinfo=None)


def test_benchmark_baseline_stores_orders_unassigned(client, session):
    from bench.dispatch import store_unassigned

    register(client, "Ann", ["Center"])
    assert store_unassigned(session, "Soup", "Center")["courier_id"] is None
    with pytest.raises(Conflict):
        store_unassigned(session, "Soup", "Nowhere")
    assert session.scalars(select(Order.status)).all() == ["new"]
    assert session.scalar(select(Courier.active_order_id)) is None
