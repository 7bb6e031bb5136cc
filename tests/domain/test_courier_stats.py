"""Courier statistics arithmetic: mean completion time, orders per day, the HH:MM:SS format."""
from datetime import date, datetime

import pytest

from delivery.domain.courier_stats import (
    NO_STATS,
    Completion,
    compute,
    day_orders,
    format_duration,
    mean_complete_seconds,
)


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, micro)


@pytest.mark.parametrize(
    "seconds,text",
    [(None, None), (0, "00:00:00"), (59, "00:00:59"), (61, "00:01:01"), (3600, "01:00:00"),
     (86399, "23:59:59"), (90000, "25:00:00"), (360000 + 62, "100:01:02")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_mean_is_whole_seconds_truncated():
    items = [Completion(at(1, 10), at(1, 10, 0, 1)), Completion(at(1, 10), at(1, 10, 0, 2))]
    assert mean_complete_seconds(items) == 1  # 1.5 s truncated
    assert mean_complete_seconds([Completion(at(1), at(1, 0, 0, 0, 999_999))]) == 0


def test_mean_across_midnight_and_days():
    items = [
        Completion(at(1, 23, 30), at(2, 0, 30)),  # one hour, across midnight
        Completion(at(1, 0), at(3, 1)),  # 49 hours
    ]
    assert mean_complete_seconds(items) == 25 * 3600
    assert compute(items, date(2026, 3, 3)).avg_order_complete_time == "25:00:00"


def test_mean_skips_orders_without_assignment_time():
    items = [Completion(None, at(1, 5)), Completion(at(1, 4), at(1, 5))]
    assert mean_complete_seconds(items) == 3600
    assert mean_complete_seconds([Completion(None, at(1, 5))]) is None


def test_negative_duration_counts_as_zero():
    assert mean_complete_seconds([Completion(at(1, 5), at(1, 4))]) == 0


@pytest.mark.parametrize(
    "completed,first,today,expected",
    [
        (0, None, date(2026, 3, 1), 0),
        (1, date(2026, 3, 1), date(2026, 3, 1), 1),  # first day counts
        (5, date(2026, 3, 1), date(2026, 3, 1), 5),
        (5, date(2026, 3, 1), date(2026, 3, 2), 2),  # 5 / 2 days, truncated
        (5, date(2026, 3, 1), date(2026, 3, 10), 0),  # idle days lower the average
        (30, date(2026, 2, 28), date(2026, 3, 1), 15),  # across a month end
        (3, date(2026, 3, 2), date(2026, 3, 1), 3),  # a clock behind: at least one day
    ],
)
def test_day_orders(completed, first, today, expected):
    assert day_orders(completed, first, today) == expected


def test_compute_counts_days_with_no_orders():
    # Two orders on the 1st, none on the 2nd, one just after midnight on the 3rd: 3 orders / 3 days.
    items = [
        Completion(at(1, 9), at(1, 9, 10)),
        Completion(at(1, 23, 50), at(1, 23, 59, 59)),
        Completion(at(2, 23, 55), at(3, 0, 5)),
    ]
    stats = compute(items, date(2026, 3, 3))
    assert stats.avg_day_orders == 1
    assert stats.as_of == at(3, 0, 5)
    assert stats.avg_complete_seconds == (600 + 599 + 600) // 3
    assert compute(items, date(2026, 3, 4)).avg_day_orders == 0  # 3 / 4 days


def test_no_completions():
    assert compute([], date(2026, 3, 1)) == NO_STATS
    assert NO_STATS.avg_order_complete_time is None
    assert NO_STATS.avg_day_orders == 0


def test_completion_order_does_not_matter():
    items = [Completion(at(2, 1), at(2, 2)), Completion(at(1, 1), at(1, 1, 30))]
    assert compute(items, date(2026, 3, 2)) == compute(list(reversed(items)), date(2026, 3, 2))
    assert compute(items, date(2026, 3, 2)).as_of == at(2, 2)
