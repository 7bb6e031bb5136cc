"""The dispatcher's tables: couriers, orders and checks with their filters, and the filter menus' rows.

Each table is a query (`Select`) built from plain, already checked filter values: the page reads
them from its query string and pages the query itself (Flask-SQLAlchemy's `db.paginate`), so this
module knows nothing of requests or pages. A value that filters nothing is `None` (or empty text).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from delivery.domain.courier_types import CourierType
from delivery.domain.order_status import OrderStatus
from delivery.domain.receipts import FAILED
from delivery.models import Check, Courier, District, Order, Printer, Trip
from delivery.services import availability

# The couriers table's "state" filter: busy now (see `availability`) or not.
FREE, BUSY = "free", "busy"
STATES = (FREE, BUSY)
SEARCH_LENGTH = 100


def search_text(raw: str | None) -> str:
    """A table's free-text search as it is applied and shown: spaces collapsed, bounded."""
    return " ".join((raw or "").split())[:SEARCH_LENGTH]


def _search(query: Select, text: str, *targets: tuple) -> Select:
    """`query` narrowed to the rows `text` finds by any target: (id column, name column or None, what an
    unnamed row is called)."""
    text = search_text(text)
    if not text:
        return query
    return query.where(or_(*(_matching(text, *target) for target in targets)))


def _matching(text: str, id_column, name_column, unnamed: str):
    """Rows whose id is `text` (a number, or "Order 12" as an unnamed row shows) or whose name contains it."""
    match = re.fullmatch(rf"(?:{unnamed}\s*)?#?(\d{{1,18}})", text, re.IGNORECASE)
    conditions = [id_column == int(match.group(1))] if match else []
    if name_column is not None:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(name_column.ilike(f"%{escaped}%", escape="\\"))
    return or_(*conditions) if conditions else false()


def districts(session: Session) -> list[District]:
    """Every district by name, for the filter menus and forms."""
    return list(session.scalars(select(District).order_by(District.name)))


def printers(session: Session) -> list[Printer]:
    """Every printer by point and name, for the checks filter."""
    return list(session.scalars(select(Printer).order_by(Printer.point_id, Printer.name)))


def couriers(
    text: str = "", courier_type: CourierType | None = None, district: int | None = None, state: str | None = None
) -> Select:
    """Couriers filtered by name or id, type, district and free/busy now, in registration order."""
    query = _search(select(Courier).order_by(Courier.id), text, (Courier.id, Courier.name, "courier"))
    if courier_type is not None:
        query = query.where(Courier.type == CourierType(courier_type).value)
    if district is not None:
        query = query.where(availability.serves(district))
    if state in STATES:
        # Busy on the pages means busy now: a live order, or inside a planned trip at this minute.
        busy = availability.busy_now(availability.local_now())
        query = query.where(busy if state == BUSY else ~busy)
    return query


def busy_courier_ids(session: Session, courier_ids: list[int]) -> set[int]:
    """Which of these couriers are busy now (a live order, or inside a planned trip)."""
    return availability.busy_ids(session, courier_ids, availability.local_now())


def order_on_day(day: date):
    """The condition of an order belonging to `day`: created, planned or completed on it."""
    start = datetime.combine(day, time.min)
    last = start + timedelta(days=1) - timedelta(microseconds=1)
    return or_(
        Order.created_at.between(start, last),
        Order.completed_at.between(start, last),
        Order.trip_id.in_(select(Trip.id).where(Trip.date == day)),
    )


def orders(
    text: str = "", status: OrderStatus | None = None, district: int | None = None, day: date | None = None
) -> Select:
    """Orders filtered by name or id, status, district and day, newest first.

    An order belongs to a day when it was created, planned or completed on it.
    """
    query = _search(select(Order).order_by(Order.id.desc()), text, (Order.id, Order.name, "order"))
    if status is not None:
        query = query.where(Order.status == OrderStatus(status).value)
    if district is not None:
        query = query.where(Order.district_id == district)
    if day is not None:
        query = query.where(order_on_day(day))
    return query


def checks(
    text: str = "", printer: int | None = None, check_type: str | None = None, status: str | None = None
) -> Select:
    """Checks by id or order id, printer, type and status (`failed` too), newest first."""
    # A check by its id, or every check of an order id.
    query = _search(select(Check).order_by(Check.id.desc()), text, (Check.id, None, "check"),
                    (Check.order_id, None, "order"))
    if printer is not None:
        query = query.where(Check.printer_id == printer)
    if check_type:
        query = query.where(Check.type == check_type)
    if status == FAILED:
        query = query.where(Check.failed)
    elif status:
        query = query.where(Check.status == status)
    return query
