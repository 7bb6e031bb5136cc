"""The orders pages: table with filters and paging, and the import page."""
from __future__ import annotations

import re

import io
from datetime import date, datetime, timedelta

from delivery.models import District, Order
from tests.helpers import HX, both

ORDER = {"weight": "2.5", "cost": "300", "delivery_hours": "10:00-12:00, 14:00-15:00", "address": "Lenina 1"}


def order(name: str, district: str, **changes) -> dict:
    """The dispatch form's fields: a name, a district and valid details unless changed."""
    return {"name": name, "district": district, **ORDER, **changes}


def test_table_full_and_fragment(signed_in, demo):
    full, fragment = both(signed_in, "/ui/orders")
    assert "Dispatch a new order" in full and 'id="orders-table"' in full
    assert "Order 6" in fragment and "Order 1" in fragment and "Dispatch a new order" not in fragment


def test_filters(signed_in, demo):
    order = demo.get(Order, 2)
    order.status, order.courier_id = "assigned", 1
    old = demo.get(Order, 5)
    old.created_at = datetime.now() - timedelta(days=10)
    demo.commit()
    _, text = both(signed_in, "/ui/orders?status=assigned")
    assert "Order 2" in text and "Order 1<" not in text and "Complete Order 2" in text
    _, text = both(signed_in, "/ui/orders?district=2")
    assert "Order 3" in text and "Order 6" in text and "Order 1<" not in text
    _, text = both(signed_in, f"/ui/orders?date={date.today().isoformat()}")
    assert "Order 1<" in text and "Order 5<" not in text
    _, text = both(signed_in, "/ui/orders?date=not-a-date&status=lost")
    assert "Order 5<" in text


def test_paging(signed_in, demo):
    for _ in range(30):
        demo.add(Order(weight=1, district_id=1, delivery_hours=["10:00-11:00"], cost=1))
    demo.commit()
    _, first = both(signed_in, "/ui/orders?status=new")
    assert "Page 1 of 2" in first and "page=2" in first and "status=new" in first
    _, second = both(signed_in, "/ui/orders?status=new&page=2")
    assert "Page 2 of 2" in second and "Order 1<" in second


def test_import_page_full_and_fragment(signed_in, demo):
    full, fragment = both(signed_in, "/ui/orders/import")
    assert 'hx-encoding="multipart/form-data"' in full and "<progress" in full
    assert "<form" not in fragment


def test_import_refuses_unreadable_files(signed_in, demo):
    response = signed_in.post(
        "/ui/orders/import", headers=HX, content_type="multipart/form-data",
        data={"kind": "orders", "file": (io.BytesIO(b"weight,cost\n1,2\n"), "orders.csv")},
    )
    assert response.status_code == 200
    assert "the CSV header lacks regions, delivery_hours" in response.get_data(as_text=True)
    response = signed_in.post(
        "/ui/orders/import", headers=HX, content_type="multipart/form-data",
        data={"kind": "orders", "file": (io.BytesIO(b"{nope"), "orders.json")},
    )
    assert "not valid JSON" in response.get_data(as_text=True)
    response = signed_in.post(
        "/ui/orders/import", headers=HX, content_type="multipart/form-data",
        data={"kind": "orders", "file": (io.BytesIO(b"x"), "orders.txt")},
    )
    assert response.status_code == 422 and "A .csv or .json file" in response.get_data(as_text=True)


def test_dispatch_says_who_got_it_or_why_not(signed_in, demo):
    ok = signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Soup", "South"))
    body = ok.get_data(as_text=True)
    assert ok.status_code == 200 and ok.headers["HX-Trigger"] == "orders-changed"
    assert re.search(r'Soup went to <a href="/ui/couriers/\d+">(Vera|Gleb)</a>\.', body)
    # The name is cleared for the next order (a second click must not dispatch Soup again); the
    # district stays chosen.
    assert 'value="Soup"' not in body and 'id="name"' in body
    assert re.search(r'<option selected value="South">|<option value="South" selected>', body)
    signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Tea", "South"))
    refused = signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Cake", "South"))
    assert refused.status_code == 409 and "No free courier in district South" in refused.get_data(as_text=True)
    assert 'value="Cake"' in refused.get_data(as_text=True)  # kept, to try again
    assert "HX-Trigger" not in refused.headers
    missing = signed_in.post("/ui/orders/dispatch", headers=HX, data=order("", "South"))
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.get_data(as_text=True)
    plain = signed_in.post("/ui/orders/dispatch", data=order("Pie", "Center"))
    assert plain.status_code == 302


def test_dispatch_form_details_are_validated_and_stored(signed_in, demo):
    bad = signed_in.post("/ui/orders/dispatch", headers=HX, data=order(
        "Soup", "South", weight="0", cost="-1", delivery_hours="25:00-26:00"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and text.count('aria-invalid="true"') == 3
    assert "Must be more than 0." in text
    ok = signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Soup", "South"))
    demo.rollback()
    soup = demo.query(Order).filter_by(name="Soup").one()
    assert (soup.weight, soup.cost, soup.delivery_hours, soup.address) == (2.5, 300, ["10:00-12:00", "14:00-15:00"], "Lenina 1")
    # The confirmation links the courier's card.
    assert f'href="/ui/couriers/{soup.courier_id}"' in ok.get_data(as_text=True)


def test_waiting_order_kept_filtered_and_cancelled(signed_in, demo):
    for name in ("Tea", "Jam"):
        signed_in.post("/ui/orders/dispatch", headers=HX, data=order(name, "South"))
    kept = signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Cake", "South", wait="y"))
    text = kept.get_data(as_text=True)
    assert kept.status_code == 200 and "Cake waits for the next one" in text and kept.headers["HX-Trigger"] == "orders-changed"
    demo.rollback()
    cake = demo.query(Order).filter_by(name="Cake").one()
    assert cake.status == "waiting" and cake.courier_id is None
    _, listed = both(signed_in, "/ui/orders?status=waiting")
    assert "Cake" in listed and "Tea" not in listed and f"Cancel Cake" in listed
    cancelled = signed_in.post(f"/ui/orders/{cake.id}/cancel", headers=HX)
    assert cancelled.status_code == 200 and 'data-status="cancelled"' in cancelled.get_data(as_text=True)
    again = signed_in.post(f"/ui/orders/{cake.id}/cancel", headers=HX)
    assert "Only a waiting order can be cancelled" in again.get_data(as_text=True)


def test_complete_button(signed_in, demo):
    signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Soup", "Center"))
    demo.rollback()
    soup = demo.query(Order).filter_by(name="Soup").one()
    done = signed_in.post(f"/ui/orders/{soup.id}/complete", headers=HX)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and 'data-status="completed"' in text and "<html" not in text
    again = signed_in.post(f"/ui/orders/{soup.id}/complete", headers=HX)
    assert "Order already completed" in again.get_data(as_text=True)
    plain = signed_in.post(f"/ui/orders/{soup.id}/complete")
    assert plain.status_code == 302
    assert signed_in.post("/ui/orders/999/complete", headers=HX).status_code == 404


def test_import_rows_with_errors(signed_in, demo):
    csv = (b"courier_type,regions,working_hours\n"
           b"BIKE,1;2,09:00-12:00;13:00-18:00\n"
           b"JET,1,09:00-12:00\n"
           b"AUTO,3,18:00-09:00\n"
           b"FOOT,4,10:00-14:00\n")
    response = signed_in.post(
        "/ui/orders/import", headers=HX, content_type="multipart/form-data",
        data={"kind": "couriers", "file": (io.BytesIO(csv), "couriers.csv")},
    )
    text = response.get_data(as_text=True)
    # Region 4 is no district: an import names districts on purpose, so that row is refused too.
    assert response.status_code == 200 and "Imported 1 of 4 couriers" in text
    assert "data-label=\"Row\">2</th>" in text and "courier_type must be FOOT, BIKE or AUTO" in text
    assert "data-label=\"Row\">3</th>" in text
    assert "data-label=\"Row\">4</th>" in text and "district 4 does not exist: create it first" in text
    body = b'{"orders": [{"weight": 2, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 10},' \
           b' {"weight": 2, "regions": 99999999999, "delivery_hours": ["10:00-11:00"], "cost": 10}]}'
    response = signed_in.post(
        "/ui/orders/import", headers=HX, content_type="multipart/form-data",
        data={"kind": "orders", "file": (io.BytesIO(body), "orders.json")},
    )
    text = response.get_data(as_text=True)
    assert "Imported 1 of 2 orders" in text and "regions" in text
    response = signed_in.post(
        "/ui/orders/import", headers={**HX, "Accept-Language": "ru"}, content_type="multipart/form-data",
        data={"kind": "orders", "file": (io.BytesIO(b"weight,regions,delivery_hours,cost\n1,99,10:00-11:00,5\n"), "o.csv")},
    )
    text = response.get_data(as_text=True)
    assert "Импортировано 0 из 1 заказа" in text and "района 99 нет: сначала создайте его" in text
    assert demo.get(District, 99) is None and demo.query(Order).count() == 7


def test_search_by_name_or_id_stays_in_the_links(signed_in, demo):
    signed_in.post("/ui/orders/dispatch", headers=HX, data=order("Borscht 100%", "South"))
    _, text = both(signed_in, "/ui/orders?q=borscht")
    assert "Borscht 100%" in text and "Order 1<" not in text and 'value="borscht"' not in text  # fragment: no form
    full, _ = both(signed_in, "/ui/orders?q=Order+3")
    assert "Order 3<" in full and "Order 1<" not in full and 'value="Order 3"' in full
    _, text = both(signed_in, "/ui/orders?q=5")
    assert "Order 5<" in text and "Order 1<" not in text
    _, text = both(signed_in, "/ui/orders?q=%25")  # a literal % matches only names containing it
    assert "Borscht 100%" in text and "Order 1<" not in text
    for _ in range(25):
        demo.add(Order(name="Soup", weight=1, district_id=1, delivery_hours=["10:00-11:00"], cost=1))
    demo.commit()
    _, text = both(signed_in, "/ui/orders?q=soup")
    assert "q=soup" in text and "page=2" in text  # the pager keeps the search


def test_complete_selected_says_what_became_of_each(signed_in, demo):
    for name in ("Soup", "Tea"):
        signed_in.post("/ui/orders/dispatch", headers=HX, data=order(name, "Center"))
    demo.rollback()
    ids = [o.id for o in demo.query(Order).filter(Order.name.in_(["Soup", "Tea"]))]
    done = signed_in.post("/ui/orders/complete-selected", headers=HX, data={"ids": [*ids, "1"]})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "2 orders completed." in text and "1 could not: 1: Order is not assigned" in text
    assert done.headers["HX-Trigger"] == "orders-changed" and 'role="alert"' in text
    demo.rollback()
    assert {demo.get(Order, i).status for i in ids} == {"completed"}
    nothing = signed_in.post("/ui/orders/complete-selected", headers=HX, data={})
    assert "Tick the orders to complete first." in nothing.get_data(as_text=True)
