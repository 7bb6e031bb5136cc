"""The orders pages: table with filters and paging, and the import page."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from delivery.models import Order
from tests.ui.conftest import HX, both


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
