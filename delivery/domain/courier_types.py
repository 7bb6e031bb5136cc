"""The three courier types and every number the contracts attach to them.

One table serves the planner (capacities and delivery times), the earnings and rating of the Lavka
meta-info, and the planned trip's delivery cost, so the figures live in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class CourierType(str, Enum):
    """A courier's means of transport, spelled exactly as the Lavka API spells it."""

    FOOT = "FOOT"
    BIKE = "BIKE"
    AUTO = "AUTO"


# The codes as stored and sent, in the table's order: the model's CHECK, the schemas, the forms use these.
COURIER_TYPES: tuple[str, ...] = tuple(courier_type.value for courier_type in CourierType)


@dataclass(frozen=True)
class TypeRules:
    """Capacities and timings of one courier type (planning.md) and its pay and rating coefficients."""

    max_weight: float
    max_orders: int
    max_regions: int
    first_order_minutes: int
    next_order_minutes: int
    pay: int  # earnings coefficient C (lavka.md meta-info, planning.md cost)
    rating: int  # rating coefficient C (lavka.md meta-info)


RULES: dict[CourierType, TypeRules] = {
    CourierType.FOOT: TypeRules(10, 2, 1, 25, 10, pay=2, rating=3),
    CourierType.BIKE: TypeRules(20, 4, 2, 12, 8, pay=3, rating=2),
    CourierType.AUTO: TypeRules(40, 7, 3, 8, 4, pay=4, rating=1),
}


def rules_for(courier_type: str | CourierType) -> TypeRules:
    """Return the rules of a type given as the enum or its exact string."""
    return RULES[CourierType(courier_type)]
