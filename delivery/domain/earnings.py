"""Earnings and rating of a courier over a window of days (lavka.md, Meta-info)."""
from __future__ import annotations

from dataclasses import dataclass

from delivery.domain.courier_types import rules_for


@dataclass(frozen=True)
class MetaFigures:
    """A courier's earnings and rating over a window of days."""

    earnings: int
    rating: int


def meta_figures(courier_type: str, completed: int, cost_sum: int, days: int) -> MetaFigures | None:
    """The figures of `completed` orders worth `cost_sum` in `days` days.

    None when nothing was completed: the contract leaves both figures out then. The 80% grouping
    discount of planning is not applied here, the contract counts plain cost.
    """
    if completed <= 0 or days <= 0:
        return None
    rules = rules_for(courier_type)
    hours = days * 24
    # Float division, then truncation: 9 orders in 24 h by FOOT is 1.125 -> 1.
    return MetaFigures(earnings=cost_sum * rules.pay, rating=int(completed / hours * rules.rating))
