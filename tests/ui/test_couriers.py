"""The couriers pages: table with filters and paging, edit form, courier card."""
from __future__ import annotations

from datetime import date, datetime

from delivery.models import Courier, Order, Trip
from tests.helpers import HX, both


def test_couriers_need_sign_in(client):
    response = client.get("/ui/couriers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_table_full_and_fragment(signed_in, demo):
    full, fragment = both(signed_in, "/ui/couriers")
    for text in (full, fragment):
        assert "Anna" in text and "Vera" in text
    assert 'id="couriers-table"' in full and 'hx-push-url="true"' in full
    assert 'scope="col"' in fragment


def test_filters(signed_in, demo):
    _, text = both(signed_in, "/ui/couriers?type=BIKE")
    assert "Boris" in text and "Anna" not in text
    _, text = both(signed_in, "/ui/couriers?district=3")
    assert "Gleb" in text and "Vera" in text and "Anna" not in text
    courier = demo.get(Courier, 1)
    demo.add(Order(name="Busy one", district_id=1, status="assigned", courier_id=courier.id))
    demo.commit()
    _, busy = both(signed_in, "/ui/couriers?state=busy")
    assert "Anna" in busy and "Boris" not in busy
    _, free = both(signed_in, "/ui/couriers?state=free")
    assert "Anna" not in free and "Boris" in free
    # Unknown values filter nothing rather than failing.
    _, text = both(signed_in, "/ui/couriers?type=JET&district=x&page=zz")
    assert "Anna" in text


def test_paging(signed_in, demo):
    for n in range(25):
        demo.add(Courier(name=f"Extra {n:02d}", type="FOOT", working_hours=[]))
    demo.commit()
    _, first = both(signed_in, "/ui/couriers")
    assert "Page 1 of 2" in first and "Extra 15" in first and "Extra 16" not in first
    assert 'href="/ui/couriers?page=2"' in first
    _, second = both(signed_in, "/ui/couriers?page=2")
    assert "Page 2 of 2" in second and "Extra 16" in second


def test_edit_form_and_inline_errors(signed_in, demo):
    full, fragment = both(signed_in, "/ui/couriers/1/edit")
    assert 'value="Anna"' in full and 'hx-post="/ui/couriers/1/edit"' in fragment
    bad = signed_in.post(
        "/ui/couriers/1/edit", headers=HX,
        data={"name": "", "type": "FOOT", "districts": ["1"], "working_hours": "25:00-26:00"},
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "<html" not in body and 'aria-invalid="true"' in body
    assert "not an HH:MM-HH:MM interval" in body and "This field is required" in body
    good = signed_in.post(
        "/ui/couriers/1/edit", headers=HX,
        data={"name": "Anna K", "type": "BIKE", "districts": ["1", "2"], "new_districts": "Harbour",
              "create_districts": "y", "working_hours": "08:00-12:00, 13:00-17:00"},
    )
    assert good.status_code == 200 and good.headers["HX-Redirect"] == "/ui/couriers/1"
    demo.expire_all()
    courier = demo.get(Courier, 1)
    assert courier.name == "Anna K" and courier.type == "BIKE"
    assert courier.working_hours == ["08:00-12:00", "13:00-17:00"]
    assert [d.district.name for d in courier.districts] == ["Center", "North", "Harbour"]


def test_edit_without_htmx_redirects(signed_in, demo):
    response = signed_in.post(
        "/ui/couriers/2/edit", data={"name": "Bo", "type": "AUTO", "districts": ["2"], "working_hours": ""}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/ui/couriers/2"


def test_unknown_courier_is_404(signed_in, demo):
    assert signed_in.get("/ui/couriers/999").status_code == 404
    assert signed_in.get("/ui/couriers/999/edit").status_code == 404


def test_card_full_and_fragment(signed_in, demo):
    today = date.today()
    trip = Trip(courier_id=3, date=today, start_minute=600, end_minute=616)
    demo.add(trip)
    demo.flush()
    order = demo.get(Order, 3)
    order.status, order.courier_id, order.trip_id, order.planned_minute = "assigned", 3, trip.id, 608
    demo.commit()
    full, fragment = both(signed_in, f"/ui/couriers/3?day={today.isoformat()}")
    for text in (full, fragment):
        assert "Vera" in text and "10:00" in text and "10:16" in text
        assert "Average completion time" in text and "Earnings and rating" in text
    _, other_day = both(signed_in, "/ui/couriers/3?day=2001-01-01")
    assert "No trips planned for this day" in other_day


def test_create_form_full_and_fragment(signed_in, demo):
    full, fragment = both(signed_in, "/ui/couriers/new")
    assert "Register a courier" in full and 'hx-post="/ui/couriers/new"' in fragment


def test_create_through_dispatch_registration(signed_in, demo):
    bad = signed_in.post("/ui/couriers/new", headers=HX, data={"name": "Zoe", "type": "BIKE"})
    assert bad.status_code == 422 and "Pick at least one district" in bad.get_data(as_text=True)
    good = signed_in.post(
        "/ui/couriers/new", headers=HX,
        data={"name": "Zoe", "type": "BIKE", "districts": ["2"], "new_districts": "Harbour",
              "create_districts": "y", "working_hours": "09:00-18:00"},
    )
    assert good.status_code == 200
    demo.rollback()
    zoe = demo.query(Courier).filter_by(name="Zoe").one()
    assert good.headers["HX-Redirect"] == f"/ui/couriers/{zoe.id}"
    assert zoe.type == "BIKE" and zoe.working_hours == ["09:00-18:00"] and zoe.free_since is not None
    assert [d.district.name for d in zoe.districts] == ["North", "Harbour"]
    plain = signed_in.post("/ui/couriers/new", data={"name": "Yan", "type": "FOOT", "districts": ["1"]})
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/ui/couriers/")


def test_card_shows_meta_info_and_live_order(signed_in, demo):
    order = demo.get(Order, 1)
    order.status, order.courier_id, order.cost = "completed", 1, 300
    order.assigned_at = datetime(2026, 3, 1, 10, 0)
    order.completed_at = datetime(2026, 3, 1, 10, 30)
    demo.commit()
    _, text = both(signed_in, "/ui/couriers/1?start=2026-03-01&end=2026-03-02")
    assert 'data-stat="earnings" data-value="600">600 ₽<' in text  # 300 x FOOT's 2
    assert 'data-stat="avg-complete">00:30:00<' in text
    _, text = both(signed_in, "/ui/couriers/1?start=2026-04-01&end=2026-04-02")
    assert "No completed orders" in text


def test_card_active_order_is_the_next_planned_delivery(signed_in, demo):
    # Planned later in the trip under way but assigned first: the card shows the earliest delivery.
    trip = Trip(courier_id=1, date=date.today(), start_minute=0, end_minute=24 * 60)
    demo.add(trip)
    demo.flush()
    late, early = demo.get(Order, 1), demo.get(Order, 2)
    for order, minute, assigned in ((late, 978, datetime(2026, 3, 1, 9)), (early, 652, datetime(2026, 3, 1, 10))):
        order.status, order.courier_id, order.trip_id = "assigned", 1, trip.id
        order.planned_minute, order.assigned_at = minute, assigned
    demo.commit()
    _, text = both(signed_in, "/ui/couriers/1")
    assert f'data-active-order="{early.id}"' in text


def test_card_refuses_a_reversed_date_range(signed_in, demo):
    _, text = both(signed_in, "/ui/couriers/1?start=2026-03-05&end=2026-03-01")
    assert "The end date must come after the start date." in text and 'aria-invalid="true"' in text
    assert "No completed orders" not in text


def test_search_couriers_by_name_or_id(signed_in, demo):
    _, text = both(signed_in, "/ui/couriers?q=bor")
    assert "Boris" in text and "Anna" not in text
    _, text = both(signed_in, "/ui/couriers?q=1")
    assert "Anna" in text and "Boris" not in text
