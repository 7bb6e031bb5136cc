"""Courier statistics of live dispatch: average completion time and completed orders per day.

Pure arithmetic over a courier's completions, so the background task, the courier card and the tests
all get the same figures from the same rows. Times are naive UTC datetimes; "today" is a UTC date
passed in by the caller (the figures depend on it, so the caller decides which day it is).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Completion:
    """One completed order: when it was assigned (None for an order never assigned) and completed."""

    assigned_at: datetime | None
    completed_at: datetime


@dataclass(frozen=True)
class CourierStats:
    """The figures the courier card shows, and the last completion they cover."""

    avg_complete_seconds: int | None
    avg_day_orders: int
    as_of: datetime | None

    @property
    def avg_order_complete_time(self) -> str | None:
        return format_duration(self.avg_complete_seconds)


NO_STATS = CourierStats(avg_complete_seconds=None, avg_day_orders=0, as_of=None)


def mean_complete_seconds(completions: Iterable[Completion]) -> int | None:
    """Mean of (completed - assigned) in whole seconds (truncated); None when nothing counts."""
    total = timedelta(0)
    count = 0
    for item in completions:
        if item.assigned_at is None:
            continue  # an order completed without an assignment time has no duration to average
        total += item.completed_at - item.assigned_at
        count += 1
    if count == 0:
        return None
    # Integer microseconds avoid float rounding; a negative duration (clock skew) counts as zero.
    return max(0, (total // count) // timedelta(seconds=1))


def day_orders(completed: int, first_completed: date | None, today: date) -> int:
    """Completed orders per day since the day of the first completion, both ends counted, truncated."""
    if completed == 0 or first_completed is None:
        return 0
    days = max(1, (today - first_completed).days + 1)
    return completed // days


def format_duration(seconds: int | None) -> str | None:
    """Seconds as HH:MM:SS; hours keep counting past 23 (a 25-hour mean is "25:00:00")."""
    if seconds is None:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def compute(completions: Iterable[Completion], today: date) -> CourierStats:
    """All figures of one courier from all of its completions."""
    items = list(completions)
    if not items:
        return NO_STATS
    first = min(item.completed_at for item in items)
    last = max(item.completed_at for item in items)
    return CourierStats(
        avg_complete_seconds=mean_complete_seconds(items),
        avg_day_orders=day_orders(len(items), first.date(), today),
        as_of=last,
    )
