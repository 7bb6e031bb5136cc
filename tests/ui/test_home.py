"""The home page's counts: today's orders really are today's, and every count links to its list."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from delivery.models import Order


def test_order_counts_are_todays_and_link_to_the_filtered_lists(signed_in, demo):
    old = demo.get(Order, 1)
    old.created_at = datetime.now() - timedelta(days=3)
    demo.commit()
    page = signed_in.get("/").get_data(as_text=True)
    today = date.today().isoformat()
    assert 'data-count="orders-new">5<' in page  # six new orders, one of them from three days ago
    assert f'href="/ui/orders?status=new&amp;date={today}"' in page
    orders = signed_in.get(f"/ui/orders?status=new&date={today}").get_data(as_text=True)
    assert orders.count('data-status="new"') == 5
    assert 'href="/ui/checks?status=new"' in page and 'href="/ui/couriers?state=free"' in page
    assert 'href="/ui/tasks?status=error"' in page
