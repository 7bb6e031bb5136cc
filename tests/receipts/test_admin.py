"""Flask-Admin for printers and checks: admins only, filters by printer, type and status, PDF links."""
from __future__ import annotations

import re

import pytest

from delivery.models import Check
from delivery.queue import huey
from tests.helpers import run_retries


def huey_flush():
    huey.flush()  # the retries scheduled in memory would run in a later test


@pytest.fixture
def some_checks(client, printers, order, fake_pdf, monkeypatch):
    """Order 1 at point 1 (rendered), order 2 at point 2 (rendered), order 3 at point 3 (failed)."""
    for order_id, point in ((1, 1), (2, 2)):
        assert client.post("/create_checks/", json={**order, "id": order_id, "point_id": point}).status_code == 200

    def crash(html, target, binary):
        raise OSError("disk full")

    monkeypatch.setattr("delivery.printing.html_to_pdf", crash)
    assert client.post("/create_checks/", json={**order, "id": 3, "point_id": 3}).status_code == 200
    assert run_retries() == 9  # three retries of each of the three checks: then they are failed
    return printers


def listed_ids(page: str) -> list[int]:
    return sorted(int(i) for i in re.findall(r'<td class="col-id">\s*(\d+)\s*</td>', page))


def test_check_list_needs_an_admin(client, login, some_checks):
    assert client.get("/admin/check/").status_code == 302
    assert client.get("/admin/check/pdf/1").status_code == 302
    login("dispatcher")
    assert client.get("/admin/check/").status_code == 403
    assert client.get("/admin/check/pdf/1").status_code == 403


def test_checks_filter_by_printer_type_and_status(client, login, some_checks):
    login("admin")
    page = client.get("/admin/check/").get_data(as_text=True)
    assert listed_ids(page) == [1, 2, 3, 4, 5, 6, 7]
    by_printer = client.get("/admin/check/?flt0_printer_equals=3").get_data(as_text=True)
    assert listed_ids(by_printer) == [3]
    by_type = client.get("/admin/check/?flt0_type_equals=client").get_data(as_text=True)
    assert listed_ids(by_type) == [2, 4, 6]
    by_status = client.get("/admin/check/?flt0_status_equals=new").get_data(as_text=True)
    assert listed_ids(by_status) == [5, 6, 7]
    both = client.get("/admin/check/?flt0_status_equals=rendered&flt1_type_equals=kitchen").get_data(as_text=True)
    assert listed_ids(both) == [1, 3]


def test_failed_checks_show_their_error(client, login, some_checks):
    login("admin")
    page = client.get("/admin/check/?flt0_status_equals=new").get_data(as_text=True)
    assert page.count('data-failed="1"') == 3
    assert "OSError: disk full" in page
    failed = client.get("/admin/check/?flt0_render_is=failed").get_data(as_text=True)
    assert listed_ids(failed) == [5, 6, 7]
    assert listed_ids(client.get("/admin/check/?flt0_render_is=waiting").get_data(as_text=True)) == []
    assert listed_ids(client.get("/admin/check/?flt0_render_is=retrying").get_data(as_text=True)) == []
    assert all(c.attempts == 4 and c.failed_at is not None for c in some_checks.query(Check).filter_by(status="new"))


def test_a_check_whose_render_failed_once_is_retrying_not_failed(client, login, printers, order, monkeypatch):
    def crash(html, target, binary):
        raise OSError("disk full")

    monkeypatch.setattr("delivery.printing.html_to_pdf", crash)
    assert client.post("/create_checks/", json=order).status_code == 200
    login("admin")
    assert listed_ids(client.get("/admin/check/?flt0_render_is=retrying").get_data(as_text=True)) == [1, 2]
    assert listed_ids(client.get("/admin/check/?flt0_render_is=failed").get_data(as_text=True)) == []
    page = client.get("/admin/check/").get_data(as_text=True)
    assert page.count('data-retrying="1"') == 2 and 'data-failed="1"' not in page
    huey_flush()


def test_checks_link_to_their_pdf(client, login, some_checks, app):
    login("admin")
    page = client.get("/admin/check/").get_data(as_text=True)
    assert 'href="/admin/check/pdf/1"' in page and "1_kitchen.pdf" in page
    assert 'href="/admin/check/pdf/5"' not in page  # no PDF yet, no link
    response = client.get("/admin/check/pdf/1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert some_checks.get(Check, 1).status == "rendered"  # an admin looking is not a printer printing
    assert client.get("/admin/check/pdf/5").status_code == 404
    assert client.get("/admin/check/pdf/99").status_code == 404


def test_printers_are_listed_and_filtered(client, login, printers):
    login("admin")
    page = client.get("/admin/printer/").get_data(as_text=True)
    assert all(f"key{n}" in page for n in range(1, 8))
    kitchen = client.get("/admin/printer/?flt0_check_type_equals=client").get_data(as_text=True)
    assert listed_ids(kitchen) == [2, 4, 6]


def test_check_details_open_and_a_check_is_not_edited_here(client, login, some_checks):
    login("admin")
    details = client.get("/admin/check/details/?id=1")
    assert details.status_code == 200 and "Иван" in details.get_data(as_text=True)
    # A check's status moves only with its printer and the PDF task: no form, no delete.
    assert client.get("/admin/check/edit/?id=1").status_code == 302
    client.post("/admin/check/edit/?id=1", data={"status": "new"})
    client.post("/admin/check/delete/", data={"id": "1"})
    some_checks.expire_all()
    assert some_checks.get(Check, 1).status == "rendered"
    page = client.get("/admin/check/").get_data(as_text=True)
    assert "Point 1 kitchen (kitchen, point 1)" in page  # the printer filter offers the printers


def test_waiting_checks_are_told_from_failed_ones(client, login, printers, order, monkeypatch):
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id: None)  # queued, not yet run
    assert client.post("/create_checks/", json=order).status_code == 200
    login("admin")
    assert listed_ids(client.get("/admin/check/?flt0_render_is=waiting").get_data(as_text=True)) == [1, 2]
    assert listed_ids(client.get("/admin/check/?flt0_render_is=failed").get_data(as_text=True)) == []
