"""Courier statistics from the database: the refresh the background tasks run, and the card's figures.

The figures are always recomputed from the courier's completed orders, never incremented, so a refresh
that runs twice, late or out of order lands on the same numbers. The courier row keeps the last result
with `stats_as_of` (the last completion it covers) and `stats_computed_at`; the card trusts that copy
only while it is current and otherwise computes the figures itself, so a lost task is never visible.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from delivery.domain.courier_stats import Completion, CourierStats, compute
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier, Order
from delivery.services.clock import utcnow
from delivery.services.tx import write_transaction

COMPLETED = OrderStatus.COMPLETED.value


def load_completions(session: Session, courier_id: int) -> list[Completion]:
    """Every completed order of the courier, whichever door it came through."""
    rows = session.execute(
        select(Order.assigned_at, Order.completed_at).where(
            Order.courier_id == courier_id, Order.status == COMPLETED
        )
    )
    return [Completion(assigned_at, completed_at) for assigned_at, completed_at in rows]


def latest_completion(session: Session, courier_id: int) -> datetime | None:
    """When the courier last completed an order (served by the courier/completed_at index)."""
    return session.scalar(
        select(func.max(Order.completed_at)).where(
            Order.courier_id == courier_id, Order.status == COMPLETED
        )
    )


def refresh_courier_stats(
    session: Session, courier_id: int, today: date | None = None
) -> CourierStats | None:
    """Recompute one courier's figures from the database and store them; None for an unknown courier."""
    with write_transaction(session):
        if session.get(Courier, courier_id) is None:
            return None
        now = utcnow()
        stats = compute(load_completions(session, courier_id), today or now.date())
        statement = update(Courier).where(Courier.id == courier_id)
        if stats.as_of is not None:
            # Two refreshes may race; the one that saw fewer completions must not overwrite the other.
            statement = statement.where(
                or_(Courier.stats_as_of.is_(None), Courier.stats_as_of <= stats.as_of)
            )
        session.execute(
            statement.values(
                avg_complete_seconds=stats.avg_complete_seconds,
                avg_day_orders=stats.avg_day_orders,
                stats_as_of=stats.as_of,
                stats_computed_at=now,
            )
        )
    return stats


def couriers_with_completions(session: Session) -> list[int]:
    """Ids of the couriers whose figures depend on the day (the others are null and 0 for good)."""
    ids = session.scalars(
        select(Order.courier_id).where(Order.status == COMPLETED).distinct().order_by(Order.courier_id)
    ).all()
    session.rollback()  # end the read, so each refresh below starts its own transaction
    return [i for i in ids if i is not None]


def refresh_all(session: Session, today: date | None = None) -> int:
    """Refresh every courier that has completed an order; return how many were refreshed."""
    ids = couriers_with_completions(session)
    for courier_id in ids:
        refresh_courier_stats(session, courier_id, today)
    return len(ids)


_UNREAD = object()


def card_stats(
    session: Session, courier: Courier, today: date | None = None, latest: datetime | None | object = _UNREAD
) -> CourierStats:
    """The figures for the courier card: the stored copy when current, else computed here and now.

    Current means it covers the latest completion and was computed today (avg_day_orders moves with
    the date). A refresh task lost to a crash, or not yet run, therefore costs one extra query on
    read instead of showing figures from before the last completion. `courier` is the row or any
    object with its statistics columns; `latest` is its latest completion when the caller read it
    along with the row.
    """
    today = today or utcnow().date()
    if latest is _UNREAD:
        latest = latest_completion(session, courier.id)
    if latest is None:
        return compute([], today)
    computed_at = courier.stats_computed_at
    if courier.stats_as_of == latest and computed_at is not None and computed_at.date() == today:
        return CourierStats(courier.avg_complete_seconds, courier.avg_day_orders, courier.stats_as_of)
    return compute(load_completions(session, courier.id), today)
