"""The tables' query strings (webargs schemas) and their paging (Flask-SQLAlchemy), without a page around them."""
from __future__ import annotations

from datetime import date

import pytest

from delivery.domain.courier_types import CourierType
from delivery.domain.order_status import OrderStatus
from delivery.models import Courier
from delivery.services.read_models import lists
from delivery.ui.filters import PER_PAGE, CheckTable, CourierTable, Day, OrderTable, paginate

HUGE = "99999999999999999999"  # past 2**64


def test_good_values_are_read():
    args = CourierTable().load({"q": "  Ann  K ", "type": "BIKE", "district": "3", "state": "busy", "page": "2"})
    assert args == {"text": "Ann K", "courier_type": CourierType.BIKE, "district": 3, "state": "busy", "page": 2}
    args = OrderTable().load({"status": "waiting", "date": "2030-05-01"})
    assert args == {"text": "", "status": OrderStatus.WAITING, "district": None, "day": date(2030, 5, 1), "page": 1}
    args = CheckTable().load({"status": "failed", "type": "client", "printer": "7"})
    assert args == {"text": "", "printer": 7, "check_type": "client", "status": "failed", "page": 1}


@pytest.mark.parametrize("schema, bad", [
    (CourierTable, {"type": "JET", "district": "x", "state": "idle", "page": "zz"}),
    (CourierTable, {"type": "", "district": HUGE, "state": "", "page": "-4"}),
    (OrderTable, {"status": "lost", "district": "1.5", "date": "yesterday", "page": "0"}),
    (CheckTable, {"printer": "-" + HUGE, "type": "bar", "status": "gone", "page": ""}),
    (Day, {"date": "2030-02-30", "district": "north"}),
])
def test_a_value_that_cannot_be_read_filters_nothing(schema, bad):
    args = schema().load(bad)
    assert all(value is None for name, value in args.items() if name not in ("page", "text"))
    assert args.get("page", 1) == 1


def test_the_filters_carried_by_the_form_and_the_links():
    table = OrderTable()
    args = table.load({"status": "new", "date": "2030-05-01", "district": "x", "page": "3", "other": "y"})
    assert args["page"] == 3
    assert table.shown(args) == {"q": "", "status": "new", "district": "", "date": "2030-05-01"}
    table = CourierTable()
    assert table.shown(table.load({"type": "FOOT", "district": "2"})) == {
        "q": "", "type": "FOOT", "district": "2", "state": ""}


def test_a_page_past_the_last_is_the_last(session):
    session.add_all(Courier(name=f"C{n:02d}", type="FOOT", working_hours=[]) for n in range(PER_PAGE + 5))
    session.commit()
    first = paginate(lists.couriers(), 1)
    assert (first.page, first.pages, first.total, len(first.items)) == (1, 2, PER_PAGE + 5, PER_PAGE)
    assert first.has_next and not first.has_prev
    for page in (2, 3, int(HUGE)):
        last = paginate(lists.couriers(), page)
        assert (last.page, [c.name for c in last.items]) == (2, [f"C{n:02d}" for n in range(PER_PAGE, PER_PAGE + 5)])
    empty = paginate(lists.couriers("nobody"), 5)
    assert (empty.page, empty.total, empty.items, empty.has_next, empty.has_prev) == (1, 0, [], False, False)
