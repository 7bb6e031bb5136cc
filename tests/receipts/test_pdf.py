"""Real PDFs: wkhtmltopdf renders the layouts, pdftotext reads the order back; nothing is fetched."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from delivery.models import Check
from delivery.printing import html_to_pdf
from tests.helpers import pdf_text

pytestmark = pytest.mark.pdf


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_client_and_kitchen_checks_carry_the_order(app, client, printers, order, wkhtmltopdf):
    assert client.post("/create_checks/", json=order).status_code == 200  # tasks run in-process
    printers.expire_all()
    assert set(printers.scalars(select(Check.status))) == {"rendered"}
    media = Path(app.config["MEDIA_ROOT"], "pdf")

    client_text = _squash(pdf_text(media / "123456_client.pdf"))
    for expected in ("№ 123456", "г. Уфа, ул. Ленина, д. 42", "Иван", "9173332222",
                     "Вкусная пицца 2 250", "Не менее вкусные роллы 1 280", "ИТОГО: 780",
                     "Название Количество Цена за единицу", "Спасибо за заказ"):
        assert expected in client_text, (expected, client_text)

    kitchen_text = _squash(pdf_text(media / "123456_kitchen.pdf"))
    for expected in ("№ 123456", "Вкусная пицца 2 250", "Не менее вкусные роллы 1 280", "ИТОГО: 780"):
        assert expected in kitchen_text, (expected, kitchen_text)
    assert "9173332222" not in kitchen_text

    download = client.get("/check/?api_key=key2&check_id=2")
    assert download.data == (media / "123456_client.pdf").read_bytes()
    assert download.data.startswith(b"%PDF")


def test_every_item_gets_its_row(app, client, printers, order, wkhtmltopdf):
    order["items"] = [{"name": f"Позиция {n}", "quantity": n, "unit_price": 10 * n} for n in range(1, 31)]
    order["price"] = sum(10 * n * n for n in range(1, 31))
    order["point_id"] = 2
    assert client.post("/create_checks/", json=order).status_code == 200
    text = _squash(pdf_text(Path(app.config["MEDIA_ROOT"], "pdf", "123456_kitchen.pdf")))
    for n in range(1, 31):
        assert f"Позиция {n} {n} {10 * n}" in text
    assert f"ИТОГО: {order['price']}" in text


class Listener:
    """A local socket that records any connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        for _ in range(600):  # bounded: a minute at most
            if self._stop.is_set():
                return
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(200) or b"<connected>")
            except OSError:
                self.hits.append(b"<connected>")
            conn.close()

    def close(self):
        time.sleep(0.2)  # let a late request land before we look
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_order_fields_are_escaped_and_nothing_is_fetched(app, client, printers, order, wkhtmltopdf, listener):
    url = f"http://127.0.0.1:{listener.port}"
    order["items"][0]["name"] = f'<img src="{url}/x">Пицца'
    order["address"] = f'<link rel="stylesheet" href="{url}/y.css">Адрес'
    order["client"]["name"] = f'<iframe src="{url}/z"></iframe><script>document.write(1)</script>Иван'
    assert client.post("/create_checks/", json=order).status_code == 200
    printers.expire_all()
    assert set(printers.scalars(select(Check.status))) == {"rendered"}
    listener.close()
    assert listener.hits == []
    text = _squash(pdf_text(Path(app.config["MEDIA_ROOT"], "pdf", "123456_client.pdf")))
    assert f'<img src="{url}/x">Пицца' in text  # printed as text, not loaded
    assert "<link rel=" in text and "<iframe src=" in text


def test_raw_html_urls_are_not_fetched_either(tmp_path, wkhtmltopdf, listener):
    """Defence in depth: even unescaped markup reaches no server (the dead proxy of printing.py)."""
    url = f"http://127.0.0.1:{listener.port}"
    html = (f'<html><head><link rel="stylesheet" href="{url}/a.css"></head><body>Чек'
            f'<img src="{url}/b.png"><iframe src="{url}/c"></iframe></body></html>')
    try:
        html_to_pdf(html, tmp_path / "raw.pdf", wkhtmltopdf)
    except OSError:
        pass  # wkhtmltopdf may report the refused loads; what matters is that none arrived
    listener.close()
    assert listener.hits == []


def test_pdf_is_written_atomically(tmp_path, wkhtmltopdf):
    target = tmp_path / "pdf" / "1_client.pdf"
    html_to_pdf("<html><body>Проверка</body></html>", target, wkhtmltopdf)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["1_client.pdf"]  # no temp file left
    assert "Проверка" in pdf_text(target)
