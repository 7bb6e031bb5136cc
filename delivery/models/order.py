"""Orders, from either door, and the planned trips that group them."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Uuid, func, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delivery.domain.order_status import ORDER_STATUSES, WITHOUT_COURIER, OrderStatus
from delivery.extensions import db
from delivery.models.types import BigId

__all__ = ["ORDER_STATUSES", "Order", "Trip"]

# The constraints' SQL is built from the statuses, but its text must stay what the migrations wrote
# (`status = 'assigned' AND ...`): alembic compares it (tests/test_schema.py), so keep the spelling.
# A live-dispatched order: assigned, outside any planned trip.
_LIVE = f"status = '{OrderStatus.ASSIGNED.value}' AND trip_id IS NULL"


class Trip(db.Model):
    """A planned trip (the Lavka API's group order): orders one courier carries at once on a date."""

    __tablename__ = "trips"
    __table_args__ = (Index("ix_trips_date_courier", "date", "courier_id", "start_minute"),)

    # The group_order_id: unique across the system and increasing.
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    courier_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("couriers.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[date] = mapped_column(Date, nullable=False)
    start_minute: Mapped[int] = mapped_column(Integer, nullable=False)
    end_minute: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, server_default=func.now())

    courier = relationship("Courier")
    orders: Mapped[list["Order"]] = relationship(
        back_populates="trip", order_by="Order.planned_minute"
    )


class Order(db.Model):
    """An order: weight, district, windows and cost for planning; status and courier for both doors."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"status IN {ORDER_STATUSES!r}", name="status"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
        CheckConstraint(f"status IN {WITHOUT_COURIER!r} OR courier_id IS NOT NULL", name="courier_when_taken"),
        CheckConstraint(f"(status = '{OrderStatus.COMPLETED.value}') = (completed_at IS NOT NULL)",
                        name="completed_at_iff_completed"),
        # A live-dispatched courier carries at most one active order, whatever the code above does.
        Index(
            "uq_orders_one_live_per_courier",
            "courier_id",
            unique=True,
            sqlite_where=text(_LIVE), postgresql_where=text(_LIVE),
        ),
        # Meta-info and statistics: a courier's completions in a time window.
        Index("ix_orders_courier_completed", "courier_id", "completed_at"),
        Index("ix_orders_status_district", "status", "district_id"),
        Index("ix_orders_trip", "trip_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, nullable=False, default=uuid.uuid4)
    name: Mapped[str | None] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    district_id: Mapped[int] = mapped_column(Integer, ForeignKey("districts.id"), nullable=False)
    delivery_hours: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    cost: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Where to deliver: typed on the dispatch form; neither API knows it.
    address: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=OrderStatus.NEW.value)
    courier_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("couriers.id"))
    trip_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("trips.id"))
    planned_minute: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, server_default=func.now())
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Fraction digits (0-3) of the complete_time the client sent: the Lavka API echoes that precision.
    completed_time_digits: Mapped[int | None] = mapped_column(SmallInteger)

    district = relationship("District", lazy="joined")
    courier = relationship("Courier", foreign_keys=[courier_id])
    trip: Mapped[Trip | None] = relationship(back_populates="orders")

    @property
    def display_name(self) -> str:
        return self.name or f"Order {self.id}"

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.status}>"
