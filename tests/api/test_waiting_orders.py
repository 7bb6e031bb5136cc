"""Waiting orders: kept by the page's dispatch when nobody is free, assigned oldest first to the next
courier of their district freed by either API's completion, a new courier or an edited courier; the
dispatch API itself still refuses with 409 and stores nothing. Under concurrency on both databases no
courier gets two live orders and no order two couriers.
"""
from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import func, select

from delivery.domain.order_status import can_move
from delivery.domain.errors import Conflict, DomainError
from delivery.extensions import db
from delivery.models import Courier, District, Order
from delivery.services import couriers as courier_service, dispatch, orders
from delivery.services.districts import ensure_names
from tests.helpers import check_invariants, client_post, run_at_once

DETAILS = {"weight": 2.5, "cost": 300, "delivery_hours": ["10:00-12:00"], "address": "Lenina 1"}


def keep(session, name, district):
    return dispatch.dispatch_or_wait(session, name, district, dict(DETAILS), keep_waiting=True)


def test_state_machine():
    assert can_move("waiting", "assigned") and can_move("waiting", "cancelled")
    assert not can_move("assigned", "waiting") and not can_move("cancelled", "assigned")
    assert not can_move("completed", "cancelled") and not can_move("lost", "new")


def test_the_api_still_refuses_and_stores_nothing(app, session):
    post = client_post(app)
    post("/courier/", {"name": "Ann", "districts": ["A"]})
    assert post("/order/", {"name": "first", "district": "A"})[0] == 201
    assert post("/order/", {"name": "second", "district": "A"}) == (409, {"detail": "No free courier in district A"})
    assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_the_page_keeps_it_and_an_api_completion_assigns_the_oldest(app, session):
    post = client_post(app)
    ann = post("/courier/", {"name": "Ann", "districts": ["A"]})[1]["id"]
    first = keep(session, "first", "A")
    assert first.ok and first.courier.uuid == uuid.UUID(ann) and first.order.weight == 2.5 and first.order.address == "Lenina 1"
    older, newer = keep(session, "older", "A"), keep(session, "newer", "A")
    assert older.waiting and newer.waiting and older.order.status == "waiting" and older.order.courier_id is None
    status, body = post(f"/order/{first.order.uuid}")
    assert status == 200 and body["status"] == 2  # the API's body is unchanged
    session.expire_all()
    assert (session.get(Order, older.order.id).status, session.get(Order, newer.order.id).status) == ("assigned", "waiting")
    assert session.get(Order, older.order.id).courier.uuid == uuid.UUID(ann)
    check_invariants(session)


def test_a_lavka_completion_a_new_courier_and_an_edit_assign_too(app, session):
    post = client_post(app)
    status, body = post("/couriers", {"couriers": [{"courier_type": "FOOT", "regions": [7], "working_hours": ["09:00-18:00"]}]})
    courier_id = body["couriers"][0]["courier_id"]
    district = session.get(District, 7).name
    taken = keep(session, "taken", district)
    assert taken.courier.id == courier_id
    queued = keep(session, "queued", district)
    assert queued.waiting
    done = {"complete_info": [{"courier_id": courier_id, "order_id": taken.order.id,
                               "complete_time": "2026-11-30T10:00:00Z"}]}
    assert post("/orders/complete", done)[0] == 200
    session.expire_all()
    assert session.get(Order, queued.order.id).courier_id == courier_id
    # A new courier (the dispatch API) takes what waits in its district at once.
    ensure_names(session, ["B", "C"])
    session.commit()
    nobody = keep(session, "for the new one", "B")
    assert nobody.waiting and nobody.order.status == "waiting"
    new = post("/courier/", {"name": "Bob", "districts": ["B"]})[1]["id"]
    session.expire_all()
    assert session.get(Order, nobody.order.id).courier.uuid == uuid.UUID(new)
    # An edited courier's new district.
    late = keep(session, "late", "C")
    bob = session.scalar(select(Courier).where(Courier.uuid == uuid.UUID(new)))
    session.commit()
    post(f"/order/{session.get(Order, nobody.order.id).uuid}")  # Bob is free again
    c_id = session.scalar(select(District.id).where(District.name == "C"))
    b_id = session.scalar(select(District.id).where(District.name == "B"))
    courier_service.update_courier(session, bob.id, courier_service.Profile(
        name="Bob", courier_type="FOOT", district_ids=[b_id, c_id], new_district_names=[], working_hours=[]))
    session.expire_all()
    assert session.get(Order, late.order.id).courier_id == bob.id
    check_invariants(session)


def test_cancel_only_while_waiting(app, session):
    post = client_post(app)
    post("/courier/", {"name": "Ann", "districts": ["A"]})
    busy = keep(session, "busy", "A")
    queued = keep(session, "queued", "A")
    assert orders.cancel(session, queued.order.id).status == "cancelled"
    with pytest.raises(Conflict, match="Only a waiting order can be cancelled"):
        orders.cancel(session, busy.order.id)
    post(f"/order/{busy.order.uuid}")
    session.expire_all()
    assert session.get(Order, queued.order.id).status == "cancelled"  # a cancelled order is never assigned
    assert session.get(Courier, busy.courier.id).active_order_id is None


def test_concurrent_completions_and_registrations(app, session):
    """20 live orders complete, 5 couriers register and 3 cancels run at once, 30 orders waiting."""
    post = client_post(app)
    couriers = [post("/courier/", {"name": f"A{i}", "districts": ["A"]})[1]["id"] for i in range(20)]
    live = [keep(session, f"live {i}", "A") for i in range(20)]
    assert {o.courier.uuid for o in live} == set(map(uuid.UUID, couriers))
    queued = [keep(session, f"queued {i}", "A").order.id for i in range(30)]
    session.commit()

    def cancel(order_id):
        with app.app_context():
            try:
                return orders.cancel(db.session(), order_id).status
            except DomainError as error:
                return type(error).__name__

    live_uuids = [o.order.uuid for o in live]
    calls = [(lambda o=o: post(f"/order/{o}")[0]) for o in live_uuids]
    calls += [(lambda i=i: post("/courier/", {"name": f"new {i}", "districts": ["A"]})[0]) for i in range(5)]
    calls += [(lambda o=o: cancel(o)) for o in queued[-3:]]
    random.Random(5).shuffle(calls)
    results = run_at_once(calls, workers=len(calls))
    assert results.count(200) == 20 and results.count(201) == 5, results
    session.rollback()  # a fresh snapshot (SQLite's WAL keeps the reader's)
    statuses = dict(session.execute(select(Order.id, Order.status).where(Order.id.in_(queued))).all())
    assigned = [o for o in queued if statuses[o] == "assigned"]
    cancelled = [o for o in queued if statuses[o] == "cancelled"]
    # Every freed or new courier took one waiting order: 25 of the 27 not cancelled, oldest first.
    assert len(cancelled) == 3 and len(assigned) == 25 and assigned == queued[:25], (results, statuses)
    check_invariants(session)
