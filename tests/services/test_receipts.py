"""Creating checks through the receipts service itself, on the real database (no HTTP in between)."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from delivery.api.receipt_schemas import ORDER_EXAMPLE
from delivery.domain import receipts as rules
from delivery.errors import ApiError
from delivery.models import Check, Printer
from delivery.services import receipts
from delivery.services.fixtures import load_printers


@pytest.fixture
def printers(session):
    load_printers(session)
    return session


def test_one_new_check_per_printer_of_the_point_queued_after_the_commit(printers):
    queued: list[int] = []
    order = copy.deepcopy(ORDER_EXAMPLE)  # point 1: a kitchen and a client printer

    def enqueue(check_id: int) -> None:
        # The check is committed before its task is queued: another connection already sees it.
        with printers.get_bind().connect() as other:
            assert other.scalar(select(Check.status).where(Check.id == check_id)) == "new"
        queued.append(check_id)

    ids = receipts.create_checks(printers, order, enqueue)
    assert queued == ids and len(ids) == 2
    rows = printers.execute(select(Check.type, Check.order_id, Check.status, Printer.point_id)
                            .join(Printer, Printer.id == Check.printer_id).order_by(Check.id)).all()
    assert rows == [("kitchen", order["id"], "new", 1), ("client", order["id"], "new", 1)]
    assert all(check.queued_at is not None and check.order == order for check in printers.scalars(select(Check)))


@pytest.mark.parametrize("point, message", [(999, rules.NO_PRINTERS), (1, rules.ALREADY_CREATED)])
def test_no_printer_or_checks_already_made_is_a_400_and_nothing_new(printers, point, message):
    receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), lambda check_id: None)
    with pytest.raises(ApiError) as refused:
        receipts.create_checks(printers, {**copy.deepcopy(ORDER_EXAMPLE), "point_id": point}, lambda check_id: None)
    assert (refused.value.status, refused.value.message) == (400, message)
    printers.rollback()
    assert len(printers.scalars(select(Check.id)).all()) == 2


def test_a_broker_down_keeps_the_checks_marked_for_the_sweep(printers):
    def broker_down(check_id: int) -> None:
        raise ConnectionError("Redis is down")

    ids = receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), broker_down)
    printers.expire_all()
    checks = printers.scalars(select(Check).order_by(Check.id)).all()
    assert [c.id for c in checks] == ids and {(c.status, c.queued_at) for c in checks} == {("new", None)}
