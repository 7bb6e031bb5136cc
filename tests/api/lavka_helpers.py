"""Small builders shared by the Lavka API tests."""
from __future__ import annotations


def courier(courier_type="FOOT", regions=(1,), hours=("10:00-12:00",)) -> dict:
    return {"courier_type": courier_type, "regions": list(regions), "working_hours": list(hours)}


def order(weight=1.0, region=1, hours=("10:00-12:00",), cost=100) -> dict:
    return {"weight": weight, "regions": region, "delivery_hours": list(hours), "cost": cost}


def post_couriers(client, *couriers):
    response = client.post("/couriers", json={"couriers": list(couriers) or [courier()]})
    assert response.status_code == 200, response.data
    return response.get_json()["couriers"]


def post_orders(client, *orders):
    response = client.post("/orders", json={"orders": list(orders) or [order()]})
    assert response.status_code == 200, response.data
    return response.get_json()


def complete(client, *items):
    """POST /orders/complete with (courier_id, order_id, complete_time) triples."""
    return client.post("/orders/complete", json={"complete_info": [
        {"courier_id": c, "order_id": o, "complete_time": t} for c, o, t in items]})
