"""The orders page's actions, each one call into the live-dispatch service.

The dispatch rule (which courier gets an order) and completion live in `services/dispatch.py`;
this module only turns their answers into what a dispatcher reads on the page.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import Courier, District, Order
from delivery.services import dispatch as live
from delivery.services import waiting
from delivery.services.lookup import get_or_404


@dataclass
class DispatchOutcome:
    """What became of a dispatched order: its courier, or why none could take it."""

    ok: bool
    message: str
    order: Order | None = None
    courier: Courier | None = None
    waiting: bool = False  # kept for the next free courier of its district


def get_order(session: Session, order_id: int) -> Order:
    """One order by id; 404 when unknown."""
    return get_or_404(session, Order, order_id, f"No order {order_id}")


def dispatch(
    session: Session, name: str, district: str, details: dict | None = None, keep_waiting: bool = False
) -> DispatchOutcome:
    """Hand a new order to a free courier of its district; say who got it or why nobody did.

    With `keep_waiting`, an order no courier can take now is kept as waiting instead of dropped;
    it may even be taken at once by a courier freed meanwhile.
    """
    try:
        result = live.dispatch_order(session, name, district, details=details)
    except ApiError as error:
        district_id = session.scalar(select(District.id).where(District.name == district))
        if not keep_waiting or error.status != 409 or district_id is None:
            return DispatchOutcome(ok=False, message=error.message)
        order = waiting.keep(session, name=name, district_id=district_id, details=details or {})
        if order.courier is not None:
            return DispatchOutcome(ok=True, order=order, courier=order.courier, message="")
        return DispatchOutcome(ok=True, order=order, waiting=True, message="")
    order = session.scalar(select(Order).where(Order.uuid == result["order_id"]))
    courier = session.scalar(select(Courier).where(Courier.uuid == result["courier_id"]))
    return DispatchOutcome(
        ok=True, order=order, courier=courier,
        message=f"{order.display_name} went to {courier.display_name}.",
    )


def complete(session: Session, order_id: int) -> Order:
    """Complete an assigned order through the dispatch service (409 when already completed)."""
    order = get_order(session, order_id)
    live.complete_order(session, order.uuid)
    session.refresh(order)
    return order
