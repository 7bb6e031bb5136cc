"""Couriers, whichever door registered them, and the districts each one serves."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delivery.domain.courier_types import COURIER_TYPES, CourierType
from delivery.extensions import db
from delivery.models.types import BigId


class Courier(db.Model):
    """A courier: Lavka's integer id, dispatch's UUID, type, hours, busy state and kept statistics."""

    __tablename__ = "couriers"
    __table_args__ = (
        # "type IN ('FOOT', 'BIKE', 'AUTO')", from the one table of courier types.
        CheckConstraint(f"type IN ({', '.join(repr(code) for code in COURIER_TYPES)})", name="type"),
        # The courier picked by live dispatch is the one free for longest: serve that order from an index.
        Index("ix_couriers_free", "active_order_id", "free_since", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, nullable=False, default=uuid.uuid4)
    # Null for Lavka couriers, which have no name: shown as "Courier <id>".
    name: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(4), nullable=False, default=CourierType.FOOT.value)
    # Echoed exactly as received (order and duplicates kept), so stored as the list itself.
    working_hours: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, server_default=func.now())

    # Live-dispatch busy state: the row that is locked when an order is handed out.
    active_order_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("orders.id", use_alter=True, ondelete="SET NULL"), unique=True
    )
    free_since: Mapped[datetime | None] = mapped_column(DateTime)

    # Statistics kept by background tasks (dispatch.md); stats_as_of is the last completion they cover.
    avg_complete_seconds: Mapped[int | None] = mapped_column(Integer)
    avg_day_orders: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    stats_as_of: Mapped[datetime | None] = mapped_column(DateTime)
    stats_computed_at: Mapped[datetime | None] = mapped_column(DateTime)

    districts: Mapped[list["CourierDistrict"]] = relationship(
        back_populates="courier",
        order_by="CourierDistrict.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def display_name(self) -> str:
        return self.name or f"Courier {self.id}"

    @property
    def region_ids(self) -> list[int]:
        return [link.district_id for link in self.districts]

    def __repr__(self) -> str:
        return f"<Courier {self.id} {self.type}>"


class CourierDistrict(db.Model):
    """One entry of a courier's district list, in the order it was given (duplicates allowed)."""

    __tablename__ = "courier_districts"
    __table_args__ = (Index("ix_courier_districts_district", "district_id", "courier_id"),)

    courier_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("couriers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    district_id: Mapped[int] = mapped_column(Integer, ForeignKey("districts.id"), nullable=False)

    courier: Mapped[Courier] = relationship(back_populates="districts")
    district = relationship("District", lazy="joined")
