"""Dispatch API, couriers: registration, the list, the card, validation and the error shape."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from delivery.models import Courier, District
from tests.helpers import register


@pytest.mark.parametrize("path", ["/courier/", "/courier"])
def test_register_answers_on_both_paths(client, session, path):
    body = register(client, "Ann", ["Center", "North"], path=path)
    assert set(body) == {"id", "name", "districts"}
    assert body["name"] == "Ann" and body["districts"] == ["Center", "North"]
    courier = session.scalar(select(Courier).where(Courier.uuid == uuid.UUID(body["id"])))
    assert courier.type == "FOOT" and courier.working_hours == []
    assert courier.free_since is not None and courier.active_order_id is None
    assert [link.district.name for link in courier.districts] == ["Center", "North"]


def test_districts_match_by_exact_name(client, session):
    register(client, "Ann", ["Center"])
    register(client, "Bob", ["Center", "center", "Center "])
    names = session.scalars(select(District.name).order_by(District.id)).all()
    assert names == ["Center", "center", "Center "]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "districts": ["A"]},
        {"districts": ["A"]},
        {"name": "Ann"},
        {"name": "Ann", "districts": []},
        {"name": "Ann", "districts": [""]},
        {"name": "Ann", "districts": "A"},
        {"name": 5, "districts": ["A"]},
        {"name": "Ann", "districts": [5]},
        {"name": None, "districts": ["A"]},
        ["Ann", ["A"]],
    ],
)
def test_register_rejects_invalid_bodies(client, session, body):
    response = client.post("/courier/", json=body)
    assert response.status_code == 422
    assert isinstance(response.get_json()["detail"], str)
    assert session.scalars(select(Courier)).all() == []


@pytest.mark.parametrize("data", ["{not json", "", "null"])
def test_register_rejects_malformed_json(client, data):
    response = client.post("/courier", data=data, content_type="application/json")
    assert response.status_code == 422
    assert set(response.get_json()) == {"detail"}


def test_unknown_fields_are_ignored(client):
    response = client.post("/courier/", json={"name": "Ann", "districts": ["A"], "type": "AUTO"})
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/courier/", "/courier"])
def test_list_in_registration_order(client, path):
    ids = [register(client, name, ["A"])["id"] for name in ("Ann", "Bob", "Cat")]
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": ids[0], "name": "Ann"}, {"id": ids[1], "name": "Bob"}, {"id": ids[2], "name": "Cat"}]
    assert [c["name"] for c in client.get("/courier/?offset=1").get_json()] == ["Bob", "Cat"]
    assert [c["name"] for c in client.get("/courier/?offset=1&limit=1").get_json()] == ["Bob"]
    assert client.get("/courier/?limit=0").get_json() == []
    assert client.get("/courier/?offset=5").get_json() == []


@pytest.mark.parametrize("query", ["offset=-1", "limit=-1", "limit=x", "offset=1.5"])
def test_list_rejects_bad_paging(client, query):
    response = client.get(f"/courier/?{query}")
    assert response.status_code == 422
    assert set(response.get_json()) == {"detail"}


def test_list_shows_lavka_couriers_by_their_default_name(client, session):
    session.add(Courier(type="BIKE", working_hours=[]))
    session.commit()
    assert client.get("/courier/").get_json()[0]["name"] == "Courier 1"


@pytest.mark.parametrize("suffix", ["", "/"])
def test_card_of_a_new_courier(client, suffix):
    body = register(client, "Ann", ["Center", "North"])
    response = client.get(f"/courier/{body['id']}{suffix}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": body["id"],
        "name": "Ann",
        "districts": ["Center", "North"],
        "active_order": None,
        "avg_order_complete_time": None,
        "avg_day_orders": 0,
    }


def test_card_shows_the_active_order(client):
    courier = register(client, "Ann", ["Center"])
    order = client.post("/order/", json={"name": "Soup", "district": "Center"}).get_json()
    card = client.get(f"/courier/{courier['id']}").get_json()
    assert card["active_order"] == {"order_id": order["order_id"], "order_name": "Soup"}
    client.post(f"/order/{order['order_id']}")
    assert client.get(f"/courier/{courier['id']}").get_json()["active_order"] is None


@pytest.mark.parametrize("suffix", ["", "/"])
def test_card_of_unknown_courier_is_404(client, suffix):
    response = client.get(f"/courier/{uuid.uuid4()}{suffix}")
    assert response.status_code == 404
    assert response.get_json() == {"detail": "Courier not found"}


@pytest.mark.parametrize("bad", ["42", "not-a-uuid", "1234567890abcdef"])
def test_card_with_a_malformed_id_is_422(client, bad):
    response = client.get(f"/courier/{bad}")
    assert response.status_code == 422
    assert set(response.get_json()) == {"detail"}


def test_wrong_method_has_the_detail_shape(client):
    response = client.delete("/courier/")
    assert response.status_code == 405
    assert set(response.get_json()) == {"detail"}
    unrouted = client.get("/courier/a/b")
    assert unrouted.status_code == 404
    assert set(unrouted.get_json()) == {"detail"}


def test_both_forms_answer_without_redirect(client):
    courier = register(client)
    for path in ("/courier", "/courier/", f"/courier/{courier['id']}", f"/courier/{courier['id']}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Location" not in response.headers


def test_openapi_documents_the_routes(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert {"/courier/", "/courier/{courier_id}", "/order/", "/order/{order_id}"} <= set(paths)
    assert paths["/order/"]["post"]["summary"] == "Dispatch an order to the free courier of its district."
