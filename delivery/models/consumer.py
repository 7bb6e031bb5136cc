"""A heartbeat per Huey consumer process, so the app knows which consumers are alive."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from delivery.extensions import db


class ConsumerBeat(db.Model):
    """One consumer process (`host:pid`) and when it was last heard from."""

    __tablename__ = "consumer_beats"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    beat_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
