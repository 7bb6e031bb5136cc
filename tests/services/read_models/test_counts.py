"""The home page's counts on the real database."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from delivery.domain.order_status import OrderStatus
from delivery.models import Check, Order
from delivery.services.fixtures import load_demo
from delivery.services.read_models.counts import counts


def test_an_empty_install_counts_zero_of_everything(session):
    result = counts(session, date.today())
    assert (result.couriers, result.couriers_busy, result.couriers_free) == (0, 0, 0)
    assert result.orders == {status.value: 0 for status in OrderStatus}
    assert result.checks == {"new": 0, "rendered": 0, "printed": 0}
    assert (result.tasks_queued, result.tasks_failed) == (0, 0)


def test_couriers_free_and_busy_now_the_days_orders_and_all_checks(session):
    load_demo(session)
    today = date.today()
    session.get(Order, 1).created_at = datetime.now() - timedelta(days=3)  # not today's
    live = session.get(Order, 2)
    live.status, live.courier_id = OrderStatus.ASSIGNED.value, 1
    session.add_all([
        Check(printer_id=1, type="kitchen", order={"id": 1}, order_id=1),
        Check(printer_id=2, type="client", order={"id": 1}, order_id=1, status="printed"),
    ])
    session.commit()
    result = counts(session, today)
    assert result.day == today
    assert (result.couriers, result.couriers_busy, result.couriers_free) == (4, 1, 3)
    assert result.orders == {"new": 4, "waiting": 0, "assigned": 1, "completed": 0, "cancelled": 0}
    assert result.checks == {"new": 1, "rendered": 0, "printed": 1}
    assert counts(session, today - timedelta(days=3)).orders["new"] == 1
