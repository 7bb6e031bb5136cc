"""Why an order was left out of a day's plan, in the dispatcher's words (rules: `specs/planning.md`).

The planner says only which orders it planned. For the others this module names the first reason
that rules the order out for every courier, checked from the hardest to the softest: nobody serves
its region; it is heavier than any courier of that region carries; its delivery windows meet no
working hours of such a courier; otherwise the couriers who could take it had no room left.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from delivery.domain.courier_types import rules_for

Span = tuple[int, int]

NO_REGION = "region"
TOO_HEAVY = "weight"
NO_HOURS = "hours"
NO_CAPACITY = "capacity"


@dataclass(frozen=True)
class Reason:
    """A machine-readable code and a sentence for the page."""

    code: str
    message: str


def _meets(windows: Sequence[Span], working: Sequence[Span], first_minutes: int) -> bool:
    # A single-order trip starting at s delivers at s + first_minutes: it needs s >= work start,
    # the delivery minute inside the window and not after the work end (rules 4-6).
    for work_start, work_end in working:
        for window_start, window_end in windows:
            if max(window_start, work_start + first_minutes) <= min(window_end, work_end):
                return True
    return False


def why_unplanned(
    weight: float,
    region: int,
    windows: Sequence[Span],
    couriers: Sequence[tuple[str, Sequence[int], Sequence[Span]]],
) -> Reason:
    """Explain an unplanned order; couriers are (type, regions, working spans) tuples."""
    serving = [c for c in couriers if region in set(c[1])]
    if not serving:
        return Reason(NO_REGION, f"No courier serves region {region}.")
    carriers = [c for c in serving if weight <= rules_for(c[0]).max_weight]
    if not carriers:
        heaviest = max(rules_for(c[0]).max_weight for c in serving)
        return Reason(TOO_HEAVY, f"Too heavy: {weight:g} kg, but couriers of region {region} carry at most {heaviest:g} kg.")
    if not any(_meets(windows, c[2], rules_for(c[0]).first_order_minutes) for c in carriers):
        return Reason(NO_HOURS, "Its delivery hours meet no working hours of a courier who could carry it.")
    return Reason(NO_CAPACITY, "No capacity left: the couriers who could take it are full at those hours.")
