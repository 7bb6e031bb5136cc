"""Live counts for the dispatcher's home page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from delivery.domain.order_status import OrderStatus
from delivery.models import CHECK_STATUSES, Check, Courier, Order
from delivery.services import availability
from delivery.services.read_models import tasks
from delivery.services.read_models.lists import order_on_day


@dataclass
class Counts:
    """What the home page shows: couriers free/busy, orders and checks by status, tasks queued/failed."""

    day: date | None = None
    couriers: int = 0
    couriers_busy: int = 0
    orders: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)
    tasks_queued: int = 0
    tasks_failed: int = 0

    @property
    def couriers_free(self) -> int:
        return self.couriers - self.couriers_busy


def counts(session: Session, day: date) -> Counts:
    """Count couriers, busy couriers, the day's orders and all checks by status, queued and failed tasks.

    An order counts on `day` as the orders page's day filter says (created, planned or completed on it).
    """
    result = Counts(day=day)
    result.couriers = session.scalar(select(func.count()).select_from(Courier)) or 0
    busy = availability.busy_now(availability.local_now())  # as the couriers page's "busy" filter
    result.couriers_busy = session.scalar(select(func.count()).select_from(Courier).where(busy)) or 0
    by_status = dict(session.execute(
        select(Order.status, func.count()).where(order_on_day(day)).group_by(Order.status)
    ).all())
    result.orders = {status.value: by_status.get(status.value, 0) for status in OrderStatus}
    by_check = dict(session.execute(select(Check.status, func.count()).group_by(Check.status)).all())
    result.checks = {status: by_check.get(status, 0) for status in CHECK_STATUSES}
    result.tasks_queued, result.tasks_failed = tasks.counts(session)
    return result
