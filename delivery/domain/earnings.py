"""Earnings and rating of a courier over a window of days (lavka.md, Meta-info)."""
from __future__ import annotations

from delivery.domain.courier_types import rules_for


def meta_figures(courier_type: str, completed: int, cost_sum: int, days: int) -> dict[str, int]:
    """Return {"earnings", "rating"} for `completed` orders worth `cost_sum` in `days` days.

    Empty when nothing was completed: the contract leaves both keys out then. The 80% grouping
    discount of planning is not applied here, the contract counts plain cost.
    """
    if completed <= 0 or days <= 0:
        return {}
    rules = rules_for(courier_type)
    hours = days * 24
    # Float division, then truncation: 9 orders in 24 h by FOOT is 1.125 -> 1.
    return {"earnings": cost_sum * rules.pay, "rating": int(completed / hours * rules.rating)}
