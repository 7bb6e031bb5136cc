"""GET /new_checks/ and GET /check/: printers authenticate by key, list rendered checks, download PDFs."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from delivery.domain import receipts as rules
from delivery.models import Check

AUTH = {"error": "Ошибка авторизации"}
NO_CHECK = {"error": "Данного чека не существует"}
NO_PDF = {"error": "Для данного чека не сгенерирован PDF-файл"}


@pytest.fixture
def rendered(client, printers, order, fake_pdf):
    """Order 123456 at point 1: check 1 (key1, kitchen) and check 2 (key2, client), both rendered."""
    assert client.post("/create_checks/", json=order).status_code == 200
    return printers


@pytest.mark.parametrize("query", ["", "?api_key=", "?api_key=nope", "?apikey=key1"])
def test_new_checks_needs_a_known_key(client, printers, query):
    response = client.get(f"/new_checks/{query}")
    assert response.status_code == 401
    assert response.get_json() == AUTH


def test_new_checks_is_empty_without_rendered_checks(client, printers):
    response = client.get("/new_checks/?api_key=key1")
    assert response.status_code == 200
    assert response.get_json() == {"checks": []}


def test_new_checks_lists_only_this_printers_rendered_checks(client, rendered, order, monkeypatch):
    order["id"] = 777
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id: None)  # these stay new
    assert client.post("/create_checks/", json=order).status_code == 200
    assert client.get("/new_checks/?api_key=key1").get_json() == {"checks": [{"id": 1}]}
    assert client.get("/new_checks/?api_key=key2").get_json() == {"checks": [{"id": 2}]}
    assert client.get("/new_checks/?api_key=key3").get_json() == {"checks": []}


@pytest.mark.parametrize("query", ["check_id=1", "check_id=1&api_key=nope", "api_key=", "check_id=x&api_key=bad"])
def test_check_needs_a_known_key_first(client, rendered, query):
    response = client.get(f"/check/?{query}")
    assert response.status_code == 401
    assert response.get_json() == AUTH


@pytest.mark.parametrize("check_id", [None, "", "abc", "1.0", "-1", "99", "2", "99999999999999999999999"])
def test_check_that_is_not_this_printers(client, rendered, check_id):
    query = "api_key=key1" + ("" if check_id is None else f"&check_id={check_id}")
    response = client.get(f"/check/?{query}")
    assert response.status_code == 400
    assert response.get_json() == NO_CHECK


def test_check_without_a_pdf_yet(client, printers, order, monkeypatch):
    monkeypatch.setattr("delivery.tasks.render_check", lambda check_id: None)
    assert client.post("/create_checks/", json=order).status_code == 200
    response = client.get("/check/?api_key=key1&check_id=1")
    assert response.status_code == 400
    assert response.get_json() == NO_PDF


def test_check_whose_file_is_gone(client, rendered, app):
    Path(app.config["MEDIA_ROOT"], "pdf", "123456_kitchen.pdf").unlink()
    response = client.get("/check/?api_key=key1&check_id=1")
    assert response.status_code == 400
    assert response.get_json() == NO_PDF
    assert rendered.get(Check, 1).status == "rendered"


def test_download_marks_printed_and_can_repeat(client, rendered, app):
    response = client.get("/check/?api_key=key2&check_id=2")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="123456_client.pdf"'
    expected = Path(app.config["MEDIA_ROOT"], "pdf", "123456_client.pdf").read_bytes()
    assert response.data == expected and response.data.startswith(b"%PDF")
    rendered.expire_all()
    check = rendered.get(Check, 2)
    assert (check.status, check.printed_at is not None) == ("printed", True)
    assert client.get("/new_checks/?api_key=key2").get_json() == {"checks": []}
    again = client.get("/check/?api_key=key2&check_id=2")  # a paper jam: print it again
    assert again.status_code == 200 and again.data == expected
    rendered.expire_all()
    assert rendered.get(Check, 2).status == "printed"
    # The other printer's check is untouched.
    assert client.get("/new_checks/?api_key=key1").get_json() == {"checks": [{"id": 1}]}


def test_errors_carry_exact_texts():
    assert (rules.AUTH_FAILED, rules.NO_SUCH_CHECK, rules.NO_PDF) == (
        AUTH["error"], NO_CHECK["error"], NO_PDF["error"])


def test_head_does_not_mark_printed(client, rendered):
    assert client.head("/check/?api_key=key1&check_id=1").status_code == 200
    assert client.get("/new_checks/?api_key=key1").get_json() == {"checks": [{"id": 1}]}
