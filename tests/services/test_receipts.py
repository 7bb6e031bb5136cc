"""The receipts service itself, on the real database (no HTTP in between): creating checks, rendering
them, printers polling and downloading, the checks page's lookups and re-render, and new printers."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from delivery.api.receipt_schemas import ORDER_EXAMPLE
from delivery.domain import receipts as rules
from delivery.domain.errors import Invalid, NotFound, Unauthorized, Unavailable
from delivery.domain.receipts import CheckStatus
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
    with pytest.raises(Invalid) as refused:
        receipts.create_checks(printers, {**copy.deepcopy(ORDER_EXAMPLE), "point_id": point}, lambda check_id: None)
    assert refused.value.message == message
    printers.rollback()
    assert len(printers.scalars(select(Check.id)).all()) == 2


def test_a_broker_down_keeps_the_checks_marked_for_the_sweep(printers):
    def broker_down(check_id: int) -> None:
        raise ConnectionError("Redis is down")

    ids = receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), broker_down)
    printers.expire_all()
    checks = printers.scalars(select(Check).order_by(Check.id)).all()
    assert [c.id for c in checks] == ids and {(c.status, c.queued_at) for c in checks} == {("new", None)}


# --- Rendering, with a stand-in for printing.render_check_pdf -------------------------------------------


def _one_check(session) -> int:
    return receipts.create_checks(session, copy.deepcopy(ORDER_EXAMPLE), lambda check_id: None)[0]


def _write_pdf(made: list):
    def to_pdf(check_type, order, target):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4\n% fake\n")
        made.append((check_type, order["id"], target.name))
    return to_pdf


def test_render_writes_the_contracts_file_and_marks_the_check_rendered_once(printers, tmp_path):
    check_id, made = _one_check(printers), []
    assert receipts.render_check(printers, check_id, _write_pdf(made), media_root=tmp_path) == "rendered"
    assert made == [("kitchen", ORDER_EXAMPLE["id"], f"{ORDER_EXAMPLE['id']}_kitchen.pdf")]
    check = receipts.get_check(printers, check_id)
    assert (check.status, check.pdf_file, check.attempts) == (CheckStatus.RENDERED, f"pdf/{ORDER_EXAMPLE['id']}_kitchen.pdf", 1)
    # A late or duplicate task leaves a rendered check alone; a forced one renders again.
    assert receipts.render_check(printers, check_id, _write_pdf(made), media_root=tmp_path) == "skipped"
    assert receipts.render_check(printers, check_id, _write_pdf(made), media_root=tmp_path, force=True) == "rendered"
    assert len(made) == 2
    assert receipts.render_check(printers, 999, _write_pdf(made), media_root=tmp_path) == "missing"


def test_a_renderer_that_is_unavailable_fails_the_check_at_once_and_a_crash_is_raised_for_the_retry(printers, tmp_path):
    first, second = receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), lambda check_id: None)

    def no_binary(check_type, order, target):
        raise Unavailable("wkhtmltopdf is not installed")

    def crash(check_type, order, target):
        raise OSError("disk full")

    assert receipts.render_check(printers, first, no_binary, media_root=tmp_path) == "unavailable"
    with pytest.raises(OSError):
        receipts.render_check(printers, second, crash, media_root=tmp_path)
    printers.expire_all()
    failed, retrying = receipts.get_check(printers, first), receipts.get_check(printers, second)
    assert failed.failed and failed.last_error == "wkhtmltopdf is not installed"
    assert retrying.status == CheckStatus.NEW and not retrying.failed and retrying.last_error == "OSError: disk full"


# --- Printers polling and downloading ---------------------------------------------------------------------


def test_an_unknown_or_missing_key_is_unauthorized(printers, tmp_path):
    for key in ("nope", "", None, "bad\x00key"):
        with pytest.raises(Unauthorized) as refused:
            receipts.new_check_ids(printers, key)
        assert refused.value.message == rules.AUTH_FAILED
        with pytest.raises(Unauthorized):  # checked before the check id
            receipts.open_check_pdf(printers, key, "x", tmp_path)


def test_a_printer_sees_and_downloads_its_rendered_checks_only(printers, tmp_path):
    kitchen, client = receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), lambda check_id: None)
    assert receipts.new_check_ids(printers, "key1") == []
    with pytest.raises(Invalid) as not_yet:
        receipts.open_check_pdf(printers, "key1", str(kitchen), tmp_path)
    assert not_yet.value.message == rules.NO_PDF
    receipts.render_check(printers, kitchen, _write_pdf([]), media_root=tmp_path)
    assert receipts.new_check_ids(printers, "key1") == [kitchen]
    for key, check_id in (("key1", client), ("key2", kitchen), ("key1", "junk"), ("key1", None)):
        with pytest.raises(Invalid) as other:
            receipts.open_check_pdf(printers, key, None if check_id is None else str(check_id), tmp_path)
        assert other.value.message == rules.NO_SUCH_CHECK
    stream, name = receipts.open_check_pdf(printers, "key1", str(kitchen), tmp_path)
    with stream:
        assert stream.read().startswith(b"%PDF") and name == f"{ORDER_EXAMPLE['id']}_kitchen.pdf"
    assert receipts.get_check(printers, kitchen).status == CheckStatus.PRINTED
    assert receipts.new_check_ids(printers, "key1") == []


# --- The checks page: lookups and re-render ---------------------------------------------------------------


def test_the_pages_lookups_are_not_found_until_there_is_a_pdf(printers, tmp_path):
    with pytest.raises(NotFound, match="No check 7"):
        receipts.get_check(printers, 7)
    check_id = _one_check(printers)
    with pytest.raises(NotFound, match=f"Check {check_id} has no PDF yet"):
        receipts.pdf_path(printers, check_id, tmp_path)
    receipts.render_check(printers, check_id, _write_pdf([]), media_root=tmp_path)
    check, path = receipts.pdf_path(printers, check_id, tmp_path)
    assert check.id == check_id and path == (tmp_path / check.pdf_file).resolve()
    path.unlink()
    with pytest.raises(NotFound, match=f"The PDF of check {check_id} is missing"):
        receipts.pdf_path(printers, check_id, tmp_path)


def test_rerender_queues_a_forced_render_and_refuses_an_unknown_check(printers, monkeypatch):
    queued = []
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id, force=False: queued.append((check_id, force)))
    check_id = _one_check(printers)
    receipts.rerender(printers, check_id)
    assert queued == [(check_id, True)]
    with pytest.raises(NotFound):
        receipts.rerender(printers, 999)
    assert queued == [(check_id, True)]
    assert receipts.stuck_check_ids(printers) == [check_id, check_id + 1]


# --- Printers -------------------------------------------------------------------------------------------


def test_a_new_printer_gets_a_random_key_and_a_default_name(session):
    first = receipts.create_printer(session, 4, "client")
    second = receipts.create_printer(session, 4, "kitchen", "  Bar  ")
    session.expire_all()
    rows = session.execute(select(Printer.name, Printer.check_type, Printer.point_id).order_by(Printer.id)).all()
    assert rows == [("Point 4 client", "client", 4), ("Bar", "kitchen", 4)]
    assert first.api_key != second.api_key and len(first.api_key) == 43
    assert receipts.printer_for_key(session, first.api_key).id == first.id


def test_a_printer_of_an_unknown_type_is_invalid(session):
    with pytest.raises(Invalid, match="type must be one of kitchen, client"):
        receipts.create_printer(session, 1, "bar")
    assert session.scalars(select(Printer)).all() == []


def test_a_failed_check_is_one_rule_in_python_and_in_sql(printers):
    """`Check.failed`: a new check whose renders gave up; a rendered one is never failed, nor a new one
    still retrying (an error but no `failed_at`)."""
    from datetime import datetime

    ids = receipts.create_checks(printers, copy.deepcopy(ORDER_EXAMPLE), lambda check_id: None)
    other = receipts.create_checks(printers, {**copy.deepcopy(ORDER_EXAMPLE), "id": 99}, lambda check_id: None)
    gave_up, retrying = (printers.get(Check, i) for i in ids)
    rendered_gave_up, fresh = (printers.get(Check, i) for i in other)
    gave_up.failed_at = datetime(2026, 1, 1)
    retrying.last_error = "OSError: boom"
    rendered_gave_up.failed_at, rendered_gave_up.status = datetime(2026, 1, 1), CheckStatus.RENDERED.value
    printers.commit()
    assert [c.id for c in (gave_up, retrying, rendered_gave_up, fresh) if c.failed] == [gave_up.id]
    assert printers.scalars(select(Check.id).where(Check.failed)).all() == [gave_up.id]
    assert printers.scalars(select(Check.id).where(~Check.failed).order_by(Check.id)).all() == sorted(
        [retrying.id, rendered_gave_up.id, fresh.id])
