"""Printers at points of sale and the checks they print."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delivery.domain.receipts import CHECK_STATUSES, CHECK_TYPES, CheckStatus
from delivery.extensions import db
from delivery.models.types import BigId, Document

__all__ = ["CHECK_STATUSES", "CHECK_TYPES", "Check", "Printer"]


class Printer(db.Model):
    """A receipt printer at a point; it prints one type of check and authenticates by its api key."""

    __tablename__ = "printers"
    __table_args__ = (CheckConstraint(f"check_type IN {CHECK_TYPES!r}", name="check_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    api_key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    check_type: Mapped[str] = mapped_column(String(10), nullable=False)
    point_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.check_type}, point {self.point_id})"


class Check(db.Model):
    """One printer's check for one order; the worker renders it to PDF, the printer downloads it."""

    __tablename__ = "checks"
    __table_args__ = (
        CheckConstraint(f"type IN {CHECK_TYPES!r}", name="type"),
        CheckConstraint(f"status IN {CHECK_STATUSES!r}", name="status"),
        # One check per (printer, order): concurrent posts of one order cannot make two sets.
        UniqueConstraint("printer_id", "order_id"),
        # GET /new_checks/: a printer's checks by status.
        Index("ix_checks_printer_status", "printer_id", "status"),
        Index("ix_checks_order_id", "order_id"),
        Index("ix_checks_status", "status"),
        # The consumers' sweep: new checks whose task may be lost.
        Index("ix_checks_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    printer_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("printers.id", ondelete="CASCADE"), nullable=False
    )
    type: Mapped[str] = mapped_column(String(10), nullable=False)
    order: Mapped[dict] = mapped_column(Document, nullable=False)
    order_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=CheckStatus.NEW.value)
    # Relative to MEDIA_ROOT, e.g. "pdf/123456_client.pdf".
    pdf_file: Mapped[str | None] = mapped_column(String(500))
    # Rendering attempts and the last failure, so a stuck check is visible rather than silently new.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # No check is stuck (services/consumers.py): when its task was last queued, which consumer holds
    # the render and until when (renewed by that consumer's heartbeat), and when retries gave up.
    # A check that gave up stays `new` (the contract's statuses) and shows as failed in the pages.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, server_default=func.now())
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)

    printer: Mapped[Printer] = relationship(lazy="joined")

    @hybrid_property
    def failed(self) -> bool:
        """A new check whose renders gave up: the pages show it as failed. The one rule, in Python
        (`check.failed`) and in SQL (`where(Check.failed)`)."""
        return self.status == CheckStatus.NEW and self.failed_at is not None

    @failed.inplace.expression
    @classmethod
    def _failed_expression(cls):
        return and_(cls.status == CheckStatus.NEW.value, cls.failed_at.is_not(None))

    @property
    def file_name(self) -> str:
        return f"{self.order_id}_{self.type}.pdf"
