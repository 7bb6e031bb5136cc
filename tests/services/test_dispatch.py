"""Live dispatch on the real database: the API's answer (uuids only) and the orders page's outcome (the
stored order and courier, or why nobody took the order), both from the one dispatch."""
from __future__ import annotations

from sqlalchemy import select

from delivery.models import Courier, Order
from delivery.services import couriers, dispatch


def test_the_api_answer_names_the_stored_order_and_its_courier(session):
    ann = couriers.register(session, "Ann", ["Center"])
    answer = dispatch.dispatch_order(session, "Soup", "Center")
    stored = session.scalar(select(Order).where(Order.uuid == answer["order_id"]))
    assert set(answer) == {"order_id", "courier_id"}
    assert answer["courier_id"] == ann.id and stored.courier.uuid == ann.id
    assert (stored.weight, stored.cost, stored.delivery_hours, stored.address) == (1.0, 0, [], None)


def test_the_page_gets_the_stored_order_and_courier_with_their_details(session):
    ann = couriers.register(session, "Ann", ["Center"])
    details = {"weight": 2.5, "cost": 300, "delivery_hours": ["10:00-12:00"], "address": "Main St 1"}
    outcome = dispatch.dispatch_or_wait(session, "Soup", "Center", details)
    assert outcome.ok and not outcome.waiting
    assert isinstance(outcome.order, Order) and isinstance(outcome.courier, Courier)
    assert outcome.courier.uuid == ann.id and outcome.order.courier_id == outcome.courier.id
    assert outcome.courier.active_order_id == outcome.order.id and outcome.order.status == "assigned"
    assert (outcome.order.name, outcome.order.weight, outcome.order.cost, outcome.order.address) == (
        "Soup", 2.5, 300, "Main St 1")
    assert outcome.message == f"{outcome.order.display_name} went to {outcome.courier.display_name}."


def test_nobody_free_refuses_or_keeps_the_order_waiting(session):
    couriers.register(session, "Ann", ["Center"])
    dispatch.dispatch_order(session, "Soup", "Center")
    refused = dispatch.dispatch_or_wait(session, "Bread", "Center")
    assert (refused.ok, refused.message, refused.order) == (False, "No free courier in district Center", None)
    kept = dispatch.dispatch_or_wait(session, "Bread", "Center", keep_waiting=True)
    assert kept.ok and kept.waiting and kept.order.status == "waiting" and kept.order.district.name == "Center"
    assert session.scalar(select(Order).where(Order.name == "Bread")).id == kept.order.id


def test_an_unknown_district_is_refused_even_when_asked_to_wait(session):
    outcome = dispatch.dispatch_or_wait(session, "Soup", "Nowhere", keep_waiting=True)
    assert (outcome.ok, outcome.message, outcome.order) == (False, "No free courier in district Nowhere", None)
    assert session.scalar(select(Order)) is None
