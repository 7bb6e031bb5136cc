"""Courier statistics on the real database: the refresh recomputes and stores, never goes backwards,
and the card trusts the stored copy only while it is current."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from delivery.domain.courier_stats import NO_STATS, CourierStats
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, CourierDistrict, District, Order
from delivery.services import courier_stats
from delivery.services.tx import write_transaction

TODAY = date(2026, 3, 3)
DAY_ONE = datetime(2026, 3, 2, 10, 0)  # two days counted: 2 and 3 March


@pytest.fixture
def couriers(session):
    """Three couriers of district 1: one with three completions (and a live order), one with none,
    and one with a completion of its own; their ids."""
    with write_transaction(session):
        session.add(District(id=1, name="Center"))
        made = [Courier(name=name, type="FOOT", working_hours=[]) for name in ("busy", "idle", "other")]
        for courier in made:
            courier.districts = [CourierDistrict(position=0, district_id=1)]
        session.add_all(made)
        session.flush()
        busy, _, other = made
        done = ((10, DAY_ONE), (20, DAY_ONE + timedelta(hours=1)), (30, DAY_ONE + timedelta(days=1)))
        for minutes, completed in done:
            session.add(_completed(busy.id, completed - timedelta(minutes=minutes), completed))
        session.add(Order(district_id=1, status=OrderStatus.ASSIGNED.value, courier_id=busy.id, assigned_at=DAY_ONE))
        session.add(_completed(other.id, DAY_ONE, DAY_ONE + timedelta(minutes=5)))
    return [courier.id for courier in made]


def _completed(courier_id, assigned_at, completed_at) -> Order:
    return Order(district_id=1, status=OrderStatus.COMPLETED.value, courier_id=courier_id,
                 assigned_at=assigned_at, completed_at=completed_at)


def _row(session, courier_id) -> Courier:
    session.expire_all()
    return session.get(Courier, courier_id)


def test_refresh_recomputes_from_the_completions_and_stores_them(session, couriers):
    busy = couriers[0]
    stats = courier_stats.refresh_courier_stats(session, busy, today=TODAY)
    # (10 + 20 + 30) / 3 minutes; 3 completions over 2 days, truncated.
    assert stats == CourierStats(avg_complete_seconds=1200, avg_day_orders=1, as_of=DAY_ONE + timedelta(days=1))
    row = _row(session, busy)
    assert (row.avg_complete_seconds, row.avg_day_orders, row.stats_as_of) == (1200, 1, stats.as_of)
    assert row.stats_computed_at is not None


def test_refresh_of_a_courier_without_completions_or_unknown(session, couriers):
    assert courier_stats.refresh_courier_stats(session, couriers[1], today=TODAY) == NO_STATS
    assert (_row(session, couriers[1]).avg_complete_seconds, _row(session, couriers[1]).avg_day_orders) == (None, 0)
    assert courier_stats.refresh_courier_stats(session, 999, today=TODAY) is None


def test_a_refresh_that_saw_fewer_completions_does_not_overwrite_a_newer_one(session, couriers):
    busy = couriers[0]
    newer = DAY_ONE + timedelta(days=5)
    with write_transaction(session):
        session.get(Courier, busy).stats_as_of = newer
        session.get(Courier, busy).avg_day_orders = 7
    courier_stats.refresh_courier_stats(session, busy, today=TODAY)
    assert (_row(session, busy).stats_as_of, _row(session, busy).avg_day_orders) == (newer, 7)


def test_refresh_all_refreshes_every_courier_with_a_completion(session, couriers):
    busy, idle, other = couriers
    assert courier_stats.couriers_with_completions(session) == [busy, other]
    assert courier_stats.refresh_all(session, today=TODAY) == 2
    assert _row(session, busy).stats_as_of == DAY_ONE + timedelta(days=1)
    assert _row(session, other).avg_complete_seconds == 300
    assert _row(session, idle).stats_computed_at is None


def test_the_card_uses_the_stored_copy_only_while_it_is_current(session, couriers):
    busy, idle, _ = couriers
    courier_stats.refresh_courier_stats(session, busy, today=TODAY)
    row = _row(session, busy)
    today = row.stats_computed_at.date()
    with write_transaction(session):
        session.get(Courier, busy).avg_day_orders = 42  # a marker: only the stored copy says 42
    row = _row(session, busy)
    assert courier_stats.card_stats(session, row, today=today).avg_day_orders == 42
    # Computed on another day, or missing the latest completion: computed again from the orders.
    assert courier_stats.card_stats(session, row, today=today + timedelta(days=1)).avg_day_orders != 42
    latest = DAY_ONE + timedelta(days=2)
    with write_transaction(session):
        session.add(_completed(busy, latest - timedelta(minutes=40), latest))
    fresh = courier_stats.card_stats(session, _row(session, busy), today=today)
    assert fresh.as_of == latest and fresh.avg_complete_seconds == 1500
    # The caller may pass the latest completion it read along with the row.
    assert courier_stats.card_stats(session, _row(session, busy), today=today, latest=None) == NO_STATS
    assert courier_stats.card_stats(session, _row(session, idle), today=today) == NO_STATS
