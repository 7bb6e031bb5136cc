"""Courier statistics: kept on the row by tasks, and never stale on the courier card."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

import delivery.tasks
from delivery.queue import huey
from delivery.models import Courier, Order
from delivery.services.clock import utcnow
from delivery.services.courier_stats import card_stats, refresh_courier_stats
from tests.helpers import register


def courier_of(session, courier_uuid: str) -> Courier:
    session.expire_all()
    return session.scalar(select(Courier).where(Courier.uuid == uuid.UUID(courier_uuid)))


def deliver(client, district="Center"):
    order = client.post("/order/", json={"name": "Soup", "district": district}).get_json()
    response = client.post(f"/order/{order['order_id']}")
    assert response.status_code == 200
    return response.get_json()


def add_completed(session, courier_id: int, assigned: datetime, completed: datetime) -> None:
    session.add(Order(district_id=1, status="completed", courier_id=courier_id,
                      assigned_at=assigned, completed_at=completed))
    session.commit()


def test_completion_refreshes_the_row(client, session):
    ann = register(client, "Ann", ["Center"])
    done = deliver(client)
    row = courier_of(session, ann["id"])
    assert row.stats_as_of == datetime.fromisoformat(done["completed_at"][:-1])
    assert row.avg_day_orders == 1 and row.avg_complete_seconds is not None
    card = client.get(f"/courier/{ann['id']}").get_json()
    assert card["avg_day_orders"] == 1
    assert card["avg_order_complete_time"] == "00:00:%02d" % row.avg_complete_seconds


def test_card_shows_the_stored_copy_while_current(client, session):
    ann = register(client, "Ann", ["Center"])
    deliver(client)
    session.execute(update(Courier).values(avg_complete_seconds=12345, avg_day_orders=7))
    session.commit()
    card = client.get(f"/courier/{ann['id']}").get_json()
    assert (card["avg_order_complete_time"], card["avg_day_orders"]) == ("03:25:45", 7)


def test_lost_task_is_harmless(client, session, monkeypatch):
    def killed(courier_id):
        raise ConnectionError("queue unavailable")  # as good as a consumer killed with SIGKILL

    ann = register(client, "Ann", ["Center"])
    deliver(client)  # this refresh runs
    monkeypatch.setattr(delivery.tasks, "refresh_courier_stats_task", killed)
    deliver(client)  # this one is lost: the completion itself still succeeds
    row = courier_of(session, ann["id"])
    assert row.avg_day_orders == 1  # the row is behind...
    card = client.get(f"/courier/{ann['id']}").get_json()
    assert card["avg_day_orders"] == 2  # ...the card is not


def test_card_recomputes_figures_computed_on_an_earlier_day(client, session):
    ann = register(client, "Ann", ["Center"])
    deliver(client)
    yesterday = utcnow() - timedelta(days=1)
    session.execute(update(Courier).values(avg_day_orders=99, stats_computed_at=yesterday))
    session.commit()
    assert client.get(f"/courier/{ann['id']}").get_json()["avg_day_orders"] == 1


def test_figures_across_midnight_and_idle_days(client, session):
    ann = register(client, "Ann", ["Center"])
    courier_id = courier_of(session, ann["id"]).id
    add_completed(session, courier_id, datetime(2026, 3, 1, 23, 30), datetime(2026, 3, 2, 0, 30))
    add_completed(session, courier_id, datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 2, 10, 20))
    add_completed(session, courier_id, datetime(2026, 3, 4, 8, 0), datetime(2026, 3, 5, 9, 40))
    # 3 orders since March 2nd; mean of 1 h, 20 min, 25 h 40 min = 9 h.
    stats = refresh_courier_stats(session, courier_id, today=date(2026, 3, 5))
    assert (stats.avg_order_complete_time, stats.avg_day_orders) == ("09:00:00", 0)
    assert refresh_courier_stats(session, courier_id, today=date(2026, 3, 2)).avg_day_orders == 3
    assert refresh_courier_stats(session, courier_id, today=date(2026, 3, 3)).avg_day_orders == 1
    row = courier_of(session, ann["id"])
    assert (row.avg_complete_seconds, row.avg_day_orders) == (9 * 3600, 1)
    assert row.stats_as_of == datetime(2026, 3, 5, 9, 40)
    # The card asks about today, not about the day the row was computed.
    card = card_stats(session, row, today=date(2026, 3, 6))
    assert (card.avg_order_complete_time, card.avg_day_orders) == ("09:00:00", 0)


def test_refresh_twice_gives_the_same_figures(client, session):
    ann = register(client, "Ann", ["Center"])
    courier_id = courier_of(session, ann["id"]).id
    add_completed(session, courier_id, datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 10))
    first = refresh_courier_stats(session, courier_id, today=date(2026, 3, 1))
    again = refresh_courier_stats(session, courier_id, today=date(2026, 3, 1))
    assert first == again
    assert refresh_courier_stats(session, 999, today=date(2026, 3, 1)) is None


def test_refresh_that_saw_less_does_not_overwrite(client, session):
    ann = register(client, "Ann", ["Center"])
    courier_id = courier_of(session, ann["id"]).id
    add_completed(session, courier_id, datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 10))
    newer = datetime(2030, 1, 1)
    session.execute(update(Courier).values(avg_day_orders=5, stats_as_of=newer))
    session.commit()
    refresh_courier_stats(session, courier_id, today=date(2026, 3, 1))
    row = courier_of(session, ann["id"])
    assert (row.avg_day_orders, row.stats_as_of) == (5, newer)


def test_daily_task_refreshes_every_courier_with_completions(client, session):
    ann = register(client, "Ann", ["Center"])
    bob = register(client, "Bob", ["Center"])
    ann_id = courier_of(session, ann["id"]).id
    add_completed(session, ann_id, datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 10))
    delivery.tasks.refresh_all_courier_stats_task()
    ann_row, bob_row = courier_of(session, ann["id"]), courier_of(session, bob["id"])
    assert ann_row.stats_as_of == datetime(2026, 3, 1, 10) and ann_row.avg_complete_seconds == 3600
    assert ann_row.stats_computed_at is not None
    assert bob_row.stats_computed_at is None and bob_row.avg_complete_seconds is None


@pytest.mark.parametrize("name", ["refresh_courier_stats_task", "refresh_all_courier_stats_task"])
def test_tasks_are_registered_with_huey(name):
    assert f"delivery.tasks.{name}" in huey.tasks
