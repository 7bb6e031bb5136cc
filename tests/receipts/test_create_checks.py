"""POST /create_checks/: the order's validation, the contract's 400s in their order, checks and tasks."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from delivery.domain import receipts as rules
from delivery.extensions import db
from delivery.models import Check


def test_sample_order_creates_a_check_per_printer_of_the_point(client, printers, order, fake_pdf):
    response = client.post("/create_checks/", json=order)
    assert response.status_code == 200
    assert response.get_json() == {"ok": "Чеки успешно созданы"}
    checks = printers.scalars(select(Check).order_by(Check.id)).all()
    assert [(c.printer.api_key, c.type, c.order_id) for c in checks] == [
        ("key1", "kitchen", 123456), ("key2", "client", 123456)]
    # The order is kept whole, as it was posted.
    assert all(c.order == order for c in checks)


def test_each_printer_type_decides_the_check_type(client, printers, order, fake_pdf):
    order["point_id"] = 3  # key5 kitchen, key6 client, key7 kitchen (a bar)
    assert client.post("/create_checks/", json=order).status_code == 200
    rows = printers.execute(select(Check.printer_id, Check.type).order_by(Check.id)).all()
    assert rows == [(5, "kitchen"), (6, "client"), (7, "kitchen")]


def test_checks_are_new_until_the_worker_renders_them(client, printers, order, monkeypatch):
    queued = []
    monkeypatch.setattr("delivery.tasks.render_check", queued.append)
    assert client.post("/create_checks/", json=order).status_code == 200
    assert set(printers.scalars(select(Check.status))) == {"new"}
    assert queued == [1, 2]


def test_tasks_are_queued_after_the_commit_with_the_check_id(client, printers, order, monkeypatch):
    seen = []

    def enqueue(check_id):
        # A fresh connection sees only committed rows: the check must already be there.
        with db.engine.connect() as conn:
            seen.append(conn.execute(text("SELECT status FROM checks WHERE id = :i"), {"i": check_id}).scalar())

    monkeypatch.setattr("delivery.tasks.render_check", enqueue)
    assert client.post("/create_checks/", json=order).status_code == 200
    assert seen == ["new", "new"]


def test_a_queue_failure_leaves_the_checks_for_requeue(client, printers, order, monkeypatch):
    def broken(check_id):
        raise ConnectionError("queue down")

    monkeypatch.setattr("delivery.tasks.render_check", broken)
    assert client.post("/create_checks/", json=order).status_code == 200
    assert set(printers.scalars(select(Check.status))) == {"new"}


def test_point_and_phone_in_either_form(client, printers, order, fake_pdf):
    order.update(point_id="2")
    order["client"]["phone"] = "+7 917 333-22-22"
    assert client.post("/create_checks/", json=order).status_code == 200
    order.update(id=2, point_id=2)
    order["client"]["phone"] = 9173332222
    assert client.post("/create_checks/", json=order).status_code == 200
    assert printers.scalar(select(Check.printer_id).where(Check.order_id == 2)) == 3


def test_no_printer_at_the_point(client, printers, order):
    order["point_id"] = 99
    response = client.post("/create_checks/", json=order)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Для данной точки не настроено ни одного принтера"}
    assert printers.scalar(select(Check.id)) is None


def test_duplicate_order(client, printers, order, fake_pdf):
    assert client.post("/create_checks/", json=order).status_code == 200
    response = client.post("/create_checks/", json=order)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Для данного заказа уже созданы чеки"}
    assert len(printers.scalars(select(Check.id)).all()) == 2


def test_duplicate_order_at_another_point_is_a_duplicate(client, printers, order, fake_pdf):
    assert client.post("/create_checks/", json=order).status_code == 200
    order["point_id"] = 2
    response = client.post("/create_checks/", json=order)
    assert response.get_json() == {"error": rules.ALREADY_CREATED}


def test_missing_printers_are_checked_before_duplicates(client, printers, order, fake_pdf):
    assert client.post("/create_checks/", json=order).status_code == 200
    order["point_id"] = 42
    response = client.post("/create_checks/", json=order)
    assert response.status_code == 400
    assert response.get_json() == {"error": rules.NO_PRINTERS}


def test_paths_without_the_trailing_slash_answer_without_a_redirect(client, printers, order, fake_pdf):
    response = client.post("/create_checks", json=order)
    assert response.status_code == 200
    assert client.get("/new_checks?api_key=key1").get_json() == {"checks": [{"id": 1}]}
    assert client.get("/check?api_key=key1&check_id=1").status_code == 200


def _without(path):
    def change(order):
        *parents, last = path
        target = order
        for key in parents:
            target = target[key]
        del target[last]
    return change


def _setting(path, value):
    def change(order):
        *parents, last = path
        target = order
        for key in parents:
            target = target[key]
        target[last] = value
    return change


BAD_ORDERS = {
    "no id": (_without(["id"]), "id"),
    "id a string": (_setting(["id"], "abc"), "id"),
    "id a numeric string": (_setting(["id"], "123"), "id"),
    "id a boolean": (_setting(["id"], True), "id"),
    "id a fraction": (_setting(["id"], 1.5), "id"),
    "id zero": (_setting(["id"], 0), "id"),
    "id too big": (_setting(["id"], 2**63), "id"),
    "no price": (_without(["price"]), "price"),
    "price a string": (_setting(["price"], "780"), "price"),
    "price negative": (_setting(["price"], -1), "price"),
    "price infinite": (_setting(["price"], float("inf")), "price"),  # sent as the literal Infinity
    "price beyond 10^15": (_setting(["price"], 10**15 + 1), "price"),
    "unit price infinite": (_setting(["items", 0, "unit_price"], float("inf")), "items.0.unit_price"),
    "no items": (_without(["items"]), "items"),
    "items not a list": (_setting(["items"], "pizza"), "items"),
    "items empty": (_setting(["items"], []), "items"),
    "item not an object": (_setting(["items"], ["pizza"]), "items.0"),
    "item without name": (_without(["items", 0, "name"]), "items.0.name"),
    "item name empty": (_setting(["items", 0, "name"], ""), "items.0.name"),
    "item name a number": (_setting(["items", 0, "name"], 5), "items.0.name"),
    "quantity zero": (_setting(["items", 1, "quantity"], 0), "items.1.quantity"),
    "quantity a string": (_setting(["items", 1, "quantity"], "2"), "items.1.quantity"),
    "no unit price": (_without(["items", 0, "unit_price"]), "items.0.unit_price"),
    "no address": (_without(["address"]), "address"),
    "address a number": (_setting(["address"], 42), "address"),
    "no client": (_without(["client"]), "client"),
    "client a string": (_setting(["client"], "Иван"), "client"),
    "client without name": (_without(["client", "name"]), "client.name"),
    "client without phone": (_without(["client", "phone"]), "client.phone"),
    "phone a list": (_setting(["client", "phone"], [917]), "client.phone"),
    "no point": (_without(["point_id"]), "point_id"),
    "point not numeric": (_setting(["point_id"], "first"), "point_id"),
    "point negative": (_setting(["point_id"], -1), "point_id"),
    "point a fraction": (_setting(["point_id"], 1.5), "point_id"),
}


@pytest.mark.parametrize("change,field", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_a_body_that_is_not_such_an_order_is_a_400_naming_the_field(client, printers, order, change, field):
    change(order)
    response = client.post("/create_checks/", json=order)
    assert response.status_code == 400
    body = response.get_json()
    assert list(body) == ["error"]
    assert body["error"].startswith(f"{field}:") or f"; {field}:" in body["error"], body
    assert printers.scalar(select(Check.id)) is None


@pytest.mark.parametrize("raw,content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"", "application/json"),
    (b"id=1", "application/x-www-form-urlencoded"),
])
def test_a_body_that_is_not_json_or_not_an_object_is_a_400(client, printers, raw, content_type):
    response = client.post("/create_checks/", data=raw, content_type=content_type)
    assert response.status_code == 400
    assert isinstance(response.get_json()["error"], str)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 5000])
def test_a_number_too_large_for_the_order_is_a_400_and_creates_nothing(client, printers, order, number):
    # 1e400 decodes to infinity; 5000 digits exceed Python's limit for reading an int.
    raw = json.dumps({**order, "price": 0}).replace('"price": 0', f'"price": {number}')
    response = client.post("/create_checks/", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert list(response.get_json()) == ["error"]
    assert printers.scalar(select(Check.id)) is None


def test_extra_fields_are_kept_with_the_order(client, printers, order, fake_pdf):
    order["comment"] = "без лука"
    assert client.post("/create_checks/", json=order).status_code == 200
    assert printers.scalar(select(Check.order).limit(1))["comment"] == "без лука"


def test_the_check_keeps_the_order_exactly_as_posted(client, printers, order, fake_pdf):
    # The contract's own example sends point_id as a number and phone as a string; the other way round
    # (and an extra field) must come back untouched, while order_id is the parsed id.
    order.update(point_id=str(order["point_id"]), comment="без лука")
    order["client"]["phone"] = 79990001122
    assert client.post("/create_checks/", json=order).status_code == 200
    stored = printers.execute(select(Check.order, Check.order_id)).all()
    assert stored and all(row.order == order and row.order_id == order["id"] for row in stored)


def test_other_methods_answer_in_the_contract_shape(client):
    response = client.get("/create_checks/")
    assert response.status_code == 405
    assert "error" in response.get_json()


def test_the_three_paths_are_documented(client):
    spec = client.get("/openapi.json").get_json()
    for path, method in (("/create_checks/", "post"), ("/new_checks/", "get"), ("/check/", "get")):
        assert method in spec["paths"][path], path
    assert spec["paths"]["/create_checks/"]["post"]["summary"].startswith("Create a check per printer")
    assert "application/pdf" in spec["paths"]["/check/"]["get"]["responses"]["200"]["content"]


def test_printers_and_points_need_no_csrf_token(make_app, printers, order, fake_pdf):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    assert client.post("/create_checks/", json=order).status_code == 200
    assert client.get("/new_checks/?api_key=key1").status_code == 200
