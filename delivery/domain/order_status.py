"""The order's state machine: which statuses exist and which moves between them are allowed.

`new` orders come from the Lavka API or an import and wait for a plan; `waiting` ones were dispatched
from the page while no courier of their district was free and go to the next one that is; `assigned`
orders have a courier (live or on a planned trip); `completed` and `cancelled` are final. The live
dispatch API never stores a waiting order: its 409 stores nothing (dispatch.md).
"""
from __future__ import annotations

from enum import Enum

from delivery.domain.errors import Conflict


class OrderStatus(str, Enum):
    """An order's status as stored in `orders.status`."""

    NEW = "new"
    WAITING = "waiting"
    ASSIGNED = "assigned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# A Lavka completion that is not strict binds a new order to the completing courier: new -> completed.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.NEW: frozenset({OrderStatus.ASSIGNED, OrderStatus.COMPLETED}),
    OrderStatus.WAITING: frozenset({OrderStatus.ASSIGNED, OrderStatus.CANCELLED}),
    OrderStatus.ASSIGNED: frozenset({OrderStatus.COMPLETED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

ORDER_STATUSES: tuple[str, ...] = tuple(status.value for status in OrderStatus)
# Statuses of an order without a courier; every other one names its courier.
WITHOUT_COURIER: tuple[str, ...] = (OrderStatus.NEW.value, OrderStatus.WAITING.value, OrderStatus.CANCELLED.value)


def can_move(current: str, wanted: str) -> bool:
    """Whether an order may go from `current` to `wanted` (unknown statuses never may)."""
    try:
        return OrderStatus(wanted) in TRANSITIONS[OrderStatus(current)]
    except ValueError:
        return False


def check_move(current: str, wanted: str, refusal: str = "") -> None:
    """Raise Conflict when the state machine does not allow the move: `refusal`, or a message naming it."""
    if not can_move(current, wanted):
        raise Conflict(refusal or f"an order cannot go from {current} to {wanted}")
