"""Russian and English pages: chosen by Accept-Language, switched and remembered, formatted for the
locale; the catalog translates every marked string; the JSON APIs never change language."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from delivery.models import Order
from tests.helpers import HX

ROOT = Path(__file__).resolve().parents[2]
RU = {"Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8"}


def test_every_marked_string_has_a_russian_translation(tmp_path):
    """Extract what the code and templates mark now; each must be translated, not fuzzy, same placeholders."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
         "--no-location", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as f:
        wanted = [m for m in read_po(f) if m.id]
    with (ROOT / "translations/ru/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="ru")
    assert len(wanted) > 200  # the extraction really read the templates and the code
    missing = []
    for message in wanted:
        found = catalog.get(message.id)
        strings = found and (found.string if isinstance(found.string, tuple) else (found.string,))
        if not found or found.fuzzy or not all(strings):
            missing.append(message.id)
    assert not missing, f"no Russian translation for: {missing}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert not problems, problems


def test_the_language_follows_accept_language(signed_in, demo):
    english = signed_in.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "At a glance" in english
    russian = signed_in.get("/", headers=RU).get_data(as_text=True)
    assert '<html lang="ru">' in russian and "Сводка" in russian and "At a glance" not in russian
    login = signed_in.get("/ui/orders", headers={"Accept-Language": "de, ru;q=0.5"}).get_data(as_text=True)
    assert "Отправить новый заказ" in login


def test_the_switch_is_remembered_and_stays_on_the_page(signed_in, demo):
    response = signed_in.get("/lang/ru?next=/ui/couriers?type=BIKE")
    assert response.status_code == 302 and response.headers["Location"] == "/ui/couriers?type=BIKE"
    assert "lang=ru" in response.headers["Set-Cookie"]
    page = signed_in.get("/ui/couriers", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Зарегистрировать курьера" in page
    # The switch on every page leads back to that page, in the other language.
    assert 'href="/lang/en?next=/ui/couriers"' in page and 'lang="en" hreflang="en">English</a>' in page
    assert signed_in.get("/lang/en?next=//evil.example/").headers["Location"] == "/"
    assert signed_in.get("/lang/de").status_code == 404


def test_sign_in_page_and_errors_speak_russian(client, demo):
    page = client.get("/login", headers=RU).get_data(as_text=True)
    assert "Имя пользователя" in page and "Войти" in page
    wrong = client.post("/login", data={"username": "x", "password": "y"}, headers=RU)
    assert wrong.status_code == 401 and "Неверное имя пользователя или пароль." in wrong.get_data(as_text=True)
    missing = client.get("/no-such-page", headers={**RU, "Accept": "text/html"})
    assert missing.status_code == 404 and "Такой страницы здесь нет" in missing.get_data(as_text=True)


def test_form_errors_and_flashes_speak_russian(signed_in, demo):
    body = signed_in.post("/ui/couriers/new", data={"name": ""}, headers={**HX, **RU}).get_data(as_text=True)
    assert "Обязательное поле." in body and "Выберите хотя бы один район" in body
    signed_in.post("/ui/orders/1/complete", headers=RU)
    page = signed_in.get("/ui/orders", headers=RU).get_data(as_text=True)
    assert "Заказ не назначен курьеру" in page


def test_numbers_money_and_dates_follow_the_locale(signed_in, demo, session):
    order = session.get(Order, 1)
    order.cost = 1500
    session.commit()
    english = signed_in.get("/ui/orders").get_data(as_text=True)
    russian = signed_in.get("/ui/orders", headers=RU).get_data(as_text=True)
    assert "1,500\u00a0₽" in english and "1\u00a0500\u00a0₽" in russian
    plan_en = signed_in.get("/ui/plan?date=2026-05-01").get_data(as_text=True)
    plan_ru = signed_in.get("/ui/plan?date=2026-05-01", headers=RU).get_data(as_text=True)
    assert "Trips on May 1, 2026" in plan_en and "Рейсы на 1 мая 2026\u202fг." in plan_ru


def test_json_apis_never_change_language(client, demo):
    """The contracts' bodies, whatever the browser asks for."""
    lavka = client.post("/orders", json={"orders": [{"weight": -1}]}, headers=RU)
    assert lavka.status_code == 400 and lavka.get_json() == {}
    order = client.post("/order/", json={"name": "Soup", "district": "Atlantis"}, headers=RU)
    assert order.status_code == 409 and order.get_json() == {"detail": "No free courier in district Atlantis"}
    # The dispatch API still creates districts on first use, as its contract says.
    courier = client.post("/courier/", json={"name": "Ann", "districts": ["Atlantis"]}, headers=RU)
    assert courier.status_code == 201 and courier.get_json()["districts"] == ["Atlantis"]
