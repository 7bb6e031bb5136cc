"""A record of each background task run, written from Huey's signals for the tasks page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from delivery.domain.task_status import ENQUEUED
from delivery.extensions import db
from delivery.models.types import BigId


class TaskRun(db.Model):
    """One Huey task's life: enqueued, executing, then complete, error, retrying or expired."""

    __tablename__ = "task_runs"
    __table_args__ = (
        Index("ix_task_runs_started", "enqueued_at"),
        Index("ix_task_runs_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    args: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=ENQUEUED)
    retries_left: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    duration: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    # The consumer (host:pid) executing the task: when it stops beating, the run is lost.
    worker: Mapped[str | None] = mapped_column(String(200))
