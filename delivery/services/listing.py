"""Tables of the dispatcher's pages: couriers, orders and checks with their filters and paging.

The pages only read here; every write goes through the domain's own services. Filters arrive as
plain strings from the query string and are checked here, so a hand-edited URL never reaches SQL
as something unexpected: an unknown value simply filters nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import Session

from delivery.jsontext import fits_int64
from delivery.models import (
    CHECK_STATUSES,
    CHECK_TYPES,
    COURIER_TYPES,
    ORDER_STATUSES,
    Check,
    Courier,
    CourierDistrict,
    District,
    Order,
    Printer,
    Trip,
)
from delivery.services import availability

T = TypeVar("T")
PER_PAGE = 20


@dataclass
class Page(Generic[T]):
    """One page of rows plus what the pager needs."""

    items: list[T]
    total: int
    page: int
    per_page: int
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments of this page with some changed: the pager and filter links use them."""
        merged = {**self.filters, "page": self.page, **changes}
        return {k: v for k, v in merged.items() if v not in ("", None)}


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def _int_or_none(raw: str | None) -> int | None:
    try:
        number = int(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    # An id no column holds is an unknown value like any other: it filters nothing.
    return number if number is None or fits_int64(number) else None


def parse_date(raw: str | None) -> date | None:
    """A `YYYY-MM-DD` string as a date, or None when empty or malformed."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _paginate(session: Session, query: Select, page: int, per_page: int, filters: dict) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    page = min(page, last)
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total, page=page, per_page=per_page, filters=filters)


def search_text(args: dict[str, str]) -> str:
    """The free-text search of a table (`q`), trimmed and bounded."""
    return " ".join((args.get("q") or "").split())[:100]


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


def _busy_clause():
    # Busy on the pages means busy now: a live order, or inside a planned trip at this minute.
    return availability.busy_now(availability.local_now())


def couriers(session: Session, args: dict[str, str], per_page: int = PER_PAGE) -> Page[Courier]:
    """Couriers filtered by type, district and free/busy, in registration order."""
    ctype = args.get("type", "") if args.get("type") in COURIER_TYPES else ""
    district = _int_or_none(args.get("district"))
    state = args.get("state", "") if args.get("state") in ("free", "busy") else ""
    text = search_text(args)
    query = select(Courier).order_by(Courier.id)
    if text:
        query = query.where(_matching(text, Courier.id, Courier.name, "courier"))
    if ctype:
        query = query.where(Courier.type == ctype)
    if district is not None:
        query = query.where(
            exists().where(CourierDistrict.courier_id == Courier.id, CourierDistrict.district_id == district)
        )
    if state == "busy":
        query = query.where(_busy_clause())
    elif state == "free":
        query = query.where(~_busy_clause())
    filters = {"q": text, "type": ctype, "district": "" if district is None else str(district), "state": state}
    return _paginate(session, query, _page_number(args.get("page")), per_page, filters)


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


def orders(session: Session, args: dict[str, str], per_page: int = PER_PAGE) -> Page[Order]:
    """Orders filtered by status, district and day, newest first.

    An order belongs to a day when it was created, planned or completed on it.
    """
    status = args.get("status", "") if args.get("status") in ORDER_STATUSES else ""
    district = _int_or_none(args.get("district"))
    day = parse_date(args.get("date"))
    text = search_text(args)
    query = select(Order).order_by(Order.id.desc())
    if text:
        query = query.where(_matching(text, Order.id, Order.name, "order"))
    if status:
        query = query.where(Order.status == status)
    if district is not None:
        query = query.where(Order.district_id == district)
    if day is not None:
        query = query.where(order_on_day(day))
    filters = {
        "q": text,
        "status": status,
        "district": "" if district is None else str(district),
        "date": day.isoformat() if day else "",
    }
    return _paginate(session, query, _page_number(args.get("page")), per_page, filters)


def checks(session: Session, args: dict[str, str], per_page: int = PER_PAGE) -> Page[Check]:
    """Checks filtered by printer, type and status, newest first."""
    printer = _int_or_none(args.get("printer"))
    ctype = args.get("type", "") if args.get("type") in CHECK_TYPES else ""
    # `failed` is no status of its own (receipts.md): a new check whose renders gave up.
    status = args.get("status", "") if args.get("status") in (*CHECK_STATUSES, "failed") else ""
    text = search_text(args)
    query = select(Check).order_by(Check.id.desc())
    if text:  # a check by its id, or every check of an order id
        query = query.where(or_(_matching(text, Check.id, None, "check"), _matching(text, Check.order_id, None, "order")))
    if printer is not None:
        query = query.where(Check.printer_id == printer)
    if ctype:
        query = query.where(Check.type == ctype)
    if status == "failed":
        query = query.where(Check.status == "new", Check.failed_at.is_not(None))
    elif status:
        query = query.where(Check.status == status)
    filters = {"q": text, "printer": "" if printer is None else str(printer), "type": ctype, "status": status}
    return _paginate(session, query, _page_number(args.get("page")), per_page, filters)
