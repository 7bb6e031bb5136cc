"""Busy means busy now on the pages: a live order or a planned trip under way; a trip planned later
is shown as the next trip. Live dispatch still counts planned orders (dispatch.md)."""
from __future__ import annotations

from datetime import date, timedelta

from delivery.models import Courier, Order, Trip
from tests.helpers import HX, both


def _trip(session, courier_id: int, day: date, start: int, end: int) -> Trip:
    trip = Trip(courier_id=courier_id, date=day, start_minute=start, end_minute=end)
    session.add(trip)
    session.flush()
    session.add(Order(weight=1, district_id=1, delivery_hours=["00:00-23:59"], cost=1, status="assigned",
                      courier_id=courier_id, trip_id=trip.id, planned_minute=start, assigned_at=None))
    session.commit()
    return trip


def test_a_trip_planned_later_is_the_next_trip_not_busy(signed_in, demo):
    boris = demo.query(Courier).filter_by(name="Boris").one()
    _trip(demo, boris.id, date.today() + timedelta(days=1), 10 * 60 + 36, 11 * 60)
    full, _ = both(signed_in, f"/ui/couriers/{boris.id}")
    assert '<span class="free">free</span>' in full and "next trip on" in full and "at 10:36" in full
    assert 'data-active-order' not in full
    _, table = both(signed_in, "/ui/couriers?state=busy")
    assert "Boris" not in table
    _, table = both(signed_in, "/ui/couriers?state=free")
    assert "Boris" in table and "at 10:36" in table
    home = signed_in.get("/", headers=HX).get_data(as_text=True)
    assert 'data-count="couriers-busy">0<' in home
    # Live dispatch still sees him as unavailable: only Anna and Vera may take a Center order now.
    taken = {signed_in.post("/order/", json={"name": f"o{i}", "district": "Center"}).get_json().get("courier_id")
             for i in range(3)}
    assert str(boris.uuid) not in taken


def test_inside_a_trip_now_is_busy(signed_in, demo):
    gleb = demo.query(Courier).filter_by(name="Gleb").one()
    _trip(demo, gleb.id, date.today(), 0, 24 * 60)  # the whole day: under way whenever the test runs
    full, _ = both(signed_in, f"/ui/couriers/{gleb.id}")
    assert '<mark class="busy">busy</mark>' in full and "data-active-order" in full
    _, table = both(signed_in, "/ui/couriers?state=busy")
    assert "Gleb" in table
    home = signed_in.get("/", headers=HX).get_data(as_text=True)
    assert 'data-count="couriers-busy">1<' in home
