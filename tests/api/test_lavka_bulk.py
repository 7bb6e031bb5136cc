"""Large batches are a handful of multi-row statements, never a statement per item."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select

from delivery.extensions import db
from delivery.models import CourierDistrict, District, Order
from tests.helpers import courier, order

N = 3000


@contextmanager
def counted_statements(app):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_thousands_of_couriers_take_a_few_statements(app, client, session):
    body = {"couriers": [courier("BIKE", [i % 97 + 1, 5], ["09:00-18:00"]) for i in range(N)]}
    with counted_statements(app) as seen:
        response = client.post("/couriers", json=body)
    assert response.status_code == 200
    assert [c["courier_id"] for c in response.get_json()["couriers"]] == list(range(1, N + 1))
    assert seen.count("INSERT") <= 3 * (N // 500 + 1)  # multi-row pages, not N statements
    assert len(seen) < 40
    assert session.scalar(select(func.count()).select_from(CourierDistrict)) == 2 * N
    assert session.scalar(select(func.count()).select_from(District)) == 97


def test_thousands_of_orders_take_a_few_statements(app, client, session):
    body = {"orders": [order(1.5, i % 13 + 1, ["10:00-12:00"], i) for i in range(N)]}
    with counted_statements(app) as seen:
        response = client.post("/orders", json=body)
    assert response.status_code == 200
    assert [o["cost"] for o in response.get_json()] == list(range(N))
    assert len(seen) < 30
    assert session.scalar(select(func.count()).select_from(Order)) == N


def test_planning_many_orders_takes_a_few_statements(app, client, session):
    """Persisting a plan is a few multi-row statements, whatever the number of trips and orders."""
    couriers = [courier("AUTO", [i % 5 + 1], ["08:00-20:00"]) for i in range(60)]
    assert client.post("/couriers", json={"couriers": couriers}).status_code == 200
    orders = [order(1.0, i % 5 + 1, ["08:00-20:00"], 100 + i) for i in range(600)]
    assert client.post("/orders", json={"orders": orders}).status_code == 200
    with counted_statements(app) as seen:
        response = client.post("/orders/assign?date=2026-06-01")
    assert response.status_code == 201
    planned = [o for c in response.get_json()[0]["couriers"] for t in c["orders"] for o in t["orders"]]
    assert len(planned) == 600
    assert len(seen) < 40, seen
    assert session.scalar(select(func.count()).select_from(Order).where(Order.status == "assigned")) == 600
    stored = client.get("/couriers/assignments?date=2026-06-01").get_json()
    assert stored == response.get_json()[0]
