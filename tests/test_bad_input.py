"""Bad text and numbers no column holds, at every door: each API's own 4xx, the pages a 4xx, nothing stored.

NUL (`\\u0000`) cannot be stored by PostgreSQL, and an unpaired surrogate (`\\ud800`) is not text at
all: neither can be encoded as UTF-8. Numbers past 64 bits fit no column on either database. All of
them are bad input wherever they arrive: JSON bodies (values and keys, known fields or not), query
strings, paths, form fields and imported files.
"""
from __future__ import annotations

import io
import json
from urllib.parse import quote_plus, unquote_to_bytes

import pytest
from sqlalchemy import func, select

from delivery.models import Check, Courier, District, Order, Printer, TaskRun, User

# As a JSON body would escape them, and as a URL would carry them.
BAD_JSON = {"nul": "a\\u0000b", "surrogate": "a\\ud800b", "low surrogate": "\\udc00"}
BAD_URL = {"nul": "a%00b", "surrogate": "a%ED%A0%80b"}
HUGE = "99999999999999999999"  # past 2**64

LAVKA = (400, lambda body: body == {})
DISPATCH = (422, lambda body: set(body) == {"detail"} and isinstance(body["detail"], str))
RECEIPTS = (400, lambda body: set(body) == {"error"} and isinstance(body["error"], str))

COURIER = '{"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-12:00"]}'
ORDER = '{"weight": 1, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 10}'
RECEIPT = ('{"id": 1, "price": 10, "items": [{"name": "Pizza", "quantity": 1, "unit_price": 10}], '
           '"address": "Main st", "client": {"name": "Ivan", "phone": 9173332222}, "point_id": 1}')

# (contract, method, path, JSON text with {} where the bad text goes, or None)
BODIES = [
    (LAVKA, "POST", "/couriers", '{"couriers": [' + COURIER.replace('"FOOT"', '"{}"') + "]}"),
    (LAVKA, "POST", "/couriers", '{"couriers": [' + COURIER.replace('"10:00-12:00"', '"{}"') + "]}"),
    (LAVKA, "POST", "/couriers", '{"couriers": [' + COURIER + '], "{}": 1}'),
    (LAVKA, "POST", "/orders", '{"orders": [' + ORDER.replace('"10:00-12:00"', '"{}"') + "]}"),
    (LAVKA, "POST", "/orders/complete",
     '{"complete_info": [{"courier_id": 1, "order_id": 1, "complete_time": "{}"}]}'),
    (DISPATCH, "POST", "/courier/", '{"name": "{}", "districts": ["North"]}'),
    (DISPATCH, "POST", "/courier/", '{"name": "Ann", "districts": ["{}"]}'),
    (DISPATCH, "POST", "/courier", '{"name": "Ann", "districts": ["North"], "note": "{}"}'),
    (DISPATCH, "POST", "/order/", '{"name": "{}", "district": "North"}'),
    (DISPATCH, "POST", "/order/", '{"name": "Soup", "district": "{}"}'),
    (DISPATCH, "POST", "/order", '{"name": "Soup", "district": "North", "{}": "x"}'),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"Pizza"', '"{}"')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"Main st"', '"{}"')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"Ivan"', '"{}"')),
    (RECEIPTS, "POST", "/create_checks", RECEIPT.replace('"point_id"', '"comment": "{}", "point_id"')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"point_id"', '"{}": 1, "point_id"')),
]

QUERIES = [
    (LAVKA, "GET", "/couriers?offset={}"),
    (LAVKA, "GET", "/orders?limit={}"),
    (LAVKA, "GET", "/couriers/{}"),
    (LAVKA, "GET", "/orders/{}"),
    (LAVKA, "GET", "/couriers/meta-info/1?startDate={}&endDate=2023-01-02"),
    (LAVKA, "GET", "/couriers/assignments?date={}"),
    (LAVKA, "GET", "/couriers/assignments?courier_id={}"),
    (LAVKA, "POST", "/orders/assign?date={}"),
    (DISPATCH, "GET", "/courier/?offset={}"),
    (DISPATCH, "GET", "/courier/{}"),
    (DISPATCH, "GET", "/order/{}"),
    (DISPATCH, "POST", "/order/{}"),
    (RECEIPTS, "GET", "/check/?api_key=key1&check_id={}"),
]

# Numbers no column holds, where each API takes a number.
NUMBERS = [
    (LAVKA, "GET", f"/couriers?offset={HUGE}", None),
    (LAVKA, "GET", f"/couriers?limit={HUGE}", None),
    (LAVKA, "GET", f"/orders?limit={HUGE}", None),
    (LAVKA, "GET", f"/orders?offset={HUGE}", None),
    (LAVKA, "GET", f"/couriers/{HUGE}", None),
    (LAVKA, "GET", f"/orders/{HUGE}", None),
    (LAVKA, "GET", f"/couriers/meta-info/{HUGE}?startDate=2023-01-01&endDate=2023-01-02", None),
    (LAVKA, "GET", f"/couriers/assignments?courier_id={HUGE}", None),
    (LAVKA, "POST", "/couriers", '{"couriers": [' + COURIER.replace("[1]", f"[{HUGE}]") + "]}"),
    (LAVKA, "POST", "/orders", '{"orders": [' + ORDER.replace('"cost": 10', f'"cost": {HUGE}') + "]}"),
    (LAVKA, "POST", "/orders/complete",
     '{"complete_info": [{"courier_id": %s, "order_id": 1, "complete_time": "2023-01-01T10:00:00Z"}]}' % HUGE),
    (DISPATCH, "GET", f"/courier/?offset={HUGE}", None),
    (DISPATCH, "GET", f"/courier/?limit={HUGE}", None),
    (DISPATCH, "GET", "/courier/?offset=9223372036854775808", None),
    (DISPATCH, "GET", f"/courier/?offset=-{HUGE}", None),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"id": 1', f'"id": {HUGE}')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"point_id": 1', f'"point_id": {HUGE}')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"quantity": 1', f'"quantity": {HUGE}')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"point_id"', f'"extra": {HUGE}9e999, "point_id"')),
    (RECEIPTS, "POST", "/create_checks/", RECEIPT.replace('"point_id"', '"extra": NaN, "point_id"')),
]


# receipts.md: an unknown key is 401 "Ошибка авторизации", checked first; a key no printer could
# have (bad text, bytes that are not UTF-8) is such a key.
UNAUTHORIZED = (401, lambda body: body == {"error": "Ошибка авторизации"})
BAD_KEYS = [
    "/new_checks/?api_key={}",
    "/new_checks?api_key={}",
    "/check/?api_key={}&check_id=1",
]


def _counts(session) -> tuple[int, ...]:
    session.expire_all()
    models = (Courier, Order, Check, District, Printer, User, TaskRun)
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in models)


@pytest.fixture
def world(session):
    """Printers (key1...) and demo couriers and orders, so that lookups have rows to miss."""
    from delivery.services.fixtures import load_demo, load_printers

    load_printers(session)
    load_demo(session)
    session.commit()
    return session


def _open(client, method: str, url: str, **kwargs):
    """Request `url` as a real server would hand it over: the path's bytes as they came (WSGI reads
    them as Latin-1), where the test client would decode them as UTF-8 first."""
    path, _, query = url.partition("?")
    raw_path = unquote_to_bytes(path).decode("latin-1")
    return client.open(path="/", method=method, query_string=query,
                       environ_overrides={"PATH_INFO": raw_path}, **kwargs)


def _assert_contract(response, contract) -> None:
    status, shape = contract
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert shape(response.get_json()), response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("bad", BAD_JSON.values(), ids=BAD_JSON.keys())
@pytest.mark.parametrize("contract, method, path, template", BODIES)
def test_bad_text_in_a_body_is_the_contract_s_error(client, world, bad, contract, method, path, template):
    before = _counts(world)
    raw = template.replace("{}", bad)
    json.loads(raw)  # the body itself is valid JSON: only its text is bad
    response = client.open(path, method=method, data=raw.encode(), content_type="application/json")
    _assert_contract(response, contract)
    assert _counts(world) == before


@pytest.mark.parametrize("bad", BAD_URL.values(), ids=BAD_URL.keys())
@pytest.mark.parametrize("contract, method, template", QUERIES)
def test_bad_text_in_a_query_or_path_is_the_contract_s_error(client, world, bad, contract, method, template):
    before = _counts(world)
    response = _open(client, method, template.replace("{}", bad))
    _assert_contract(response, contract)
    assert _counts(world) == before


@pytest.mark.parametrize("contract, method, path, body", NUMBERS)
def test_a_number_no_column_holds_is_the_contract_s_error(client, world, contract, method, path, body):
    before = _counts(world)
    if body is None:
        response = client.open(path, method=method)
    else:
        response = client.open(path, method=method, data=body.encode(), content_type="application/json")
    _assert_contract(response, contract)
    assert _counts(world) == before


def test_unknown_ids_within_range_are_still_404(client, world):
    assert client.get("/couriers/9223372036854775807").status_code == 404
    assert client.get("/orders/9223372036854775807").status_code == 404


def test_a_surrogate_receipt_is_never_stored_and_the_admin_still_answers(client, world, login):
    raw = RECEIPT.replace('"Main st"', '"\\ud800"')
    assert client.post("/create_checks/", data=raw, content_type="application/json").status_code == 400
    assert world.scalar(select(func.count()).select_from(Check)) == 0
    good = client.post("/create_checks/", data=RECEIPT, content_type="application/json")
    assert good.status_code == 200
    login("admin")
    assert client.get("/admin/check/").status_code == 200


# --- The pages ------------------------------------------------------------------------------

PAGE_FORMS = [
    ("/ui/couriers/new", {"name": "{}", "type": "FOOT", "new_districts": "North"}),
    ("/ui/couriers/new", {"name": "Ann", "type": "FOOT", "new_districts": "{}"}),
    ("/ui/couriers/new", {"name": "Ann", "type": "FOOT", "new_districts": "North", "working_hours": "{}"}),
    ("/ui/couriers/1/edit", {"name": "{}", "type": "FOOT", "new_districts": "North"}),
    ("/ui/orders/dispatch", {"name": "{}", "district": "Центр"}),
    ("/ui/orders/dispatch", {"name": "Soup", "district": "{}"}),
    ("/ui/plan", {"date": "{}"}),
    ("/admin/printer/new/", {"name": "{}", "check_type": "client", "point_id": "1"}),
    ("/admin/user/new/", {"username": "{}", "password": "secret-pass", "role": "dispatcher"}),
    ("/admin/district/new/", {"id": "99", "name": "{}"}),
    ("/login", {"username": "{}", "password": "x"}),
]

PAGE_URLS = [
    ("GET", "/ui/couriers?type={}&district={}&state={}&page={}"),
    ("GET", "/ui/orders?status={}&district={}&date={}&page={}"),
    ("GET", "/ui/checks?printer={}&type={}&status={}"),
    ("GET", "/ui/couriers/1?start={}&end={}&day={}"),
    ("GET", "/ui/plan?date={}"),
    ("GET", "/ui/plan/runs/{}"),
    ("GET", "/ui/tasks?status={}"),
    ("POST", "/ui/tasks/{}/retry"),
    ("GET", "/admin/printer/?search={}"),
    ("GET", "/admin/check/?flt0_order_id_equals={}"),
    ("GET", "/admin/order/?flt0_district_name_equals={}"),
    ("GET", "/admin/check/details/?id={}"),
    ("GET", "/admin/courier/details/?id={}"),
    ("GET", "/login?next={}"),
]

PAGE_NUMBERS = [
    ("GET", f"/ui/couriers/{HUGE}"),
    ("GET", f"/ui/couriers/{HUGE}/edit"),
    ("POST", f"/ui/orders/{HUGE}/complete"),
    ("GET", f"/ui/checks/{HUGE}/pdf"),
    ("POST", f"/ui/checks/{HUGE}/render"),
    ("GET", f"/ui/couriers?district={HUGE}&page={HUGE}"),
    ("GET", f"/ui/orders?district={HUGE}"),
    ("GET", f"/ui/checks?printer={HUGE}"),
    ("GET", f"/admin/check/pdf/{HUGE}"),
    ("GET", f"/admin/check/details/?id={HUGE}"),
    ("GET", "/admin/check/details/?id=not-a-number"),
    ("GET", "/admin/district/details/?id=3000000000"),
    ("GET", "/admin/printer/edit/?id=3000000000"),
    ("POST", "/admin/printer/delete/?id=3000000000"),
    ("GET", "/admin/check/?flt0_printer_point_id_equals=3000000000"),
    ("GET", f"/admin/check/?flt0_order_id_equals={HUGE}"),
    ("GET", f"/admin/courier/?flt0_type_equals={HUGE}"),
    ("GET", f"/admin/order/?flt0_courier_id_equals={HUGE}"),
]


@pytest.fixture
def admin(client, world, login):
    login("admin")
    return client


@pytest.mark.parametrize("bad", BAD_URL.values(), ids=BAD_URL.keys())
@pytest.mark.parametrize("path, form", PAGE_FORMS)
def test_bad_text_in_a_page_form_is_refused_and_changes_nothing(admin, world, bad, path, form):
    before = _counts(world)
    body = "&".join(f"{key}={quote_plus(value).replace(quote_plus('{}'), bad)}" for key, value in form.items())
    response = admin.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _counts(world) == before


@pytest.mark.parametrize("bad", BAD_URL.values(), ids=BAD_URL.keys())
@pytest.mark.parametrize("method, template", PAGE_URLS)
def test_bad_text_in_a_page_url_is_refused(admin, bad, method, template):
    response = _open(admin, method, template.replace("{}", bad))
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("method, url", PAGE_NUMBERS)
def test_a_number_no_column_holds_never_breaks_a_page(admin, world, method, url):
    before = _counts(world)
    response = admin.open(url, method=method)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _counts(world) == before


IMPORTS = [
    ("couriers", "c.csv", b"courier_type,regions,working_hours\nFOOT,1,10:00-12:00\nBI\x00KE,1,10:00-12:00\n"),
    ("couriers", "c.json", b'[{"courier_type": "FOOT", "regions": [1], "working_hours": ["\\u0000"]}]'),
    ("orders", "o.json", b'{"orders": [' + ORDER.replace('"10:00-12:00"', '"\\ud800"').encode() + b"]}"),
    ("orders", "o.json", b'{"orders": [' + ORDER.replace('"cost": 10', f'"cost": {HUGE}').encode() + b"]}"),
    ("orders", "o.csv", f"weight,regions,delivery_hours,cost\n1,{HUGE},10:00-12:00,1\n".encode()),
]


@pytest.mark.parametrize("kind, name, content", IMPORTS)
def test_an_import_with_bad_text_or_numbers_stores_nothing(admin, world, kind, name, content):
    before = _counts(world)
    response = admin.post("/ui/orders/import", data={"kind": kind, "file": (io.BytesIO(content), name)},
                          content_type="multipart/form-data")
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _counts(world) == before


def test_checks_stored_with_a_surrogate_before_are_repaired_by_the_migration(make_app, tmp_path):
    """SQLite kept such orders as JSON escapes; after the repair their admin pages answer again."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from delivery.extensions import db
    from delivery.services.fixtures import load_printers
    from delivery.services.users import create_user

    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'legacy.db'}")
    with app.app_context():
        upgrade(revision="c7e1f3a9b2d4")
        load_printers(db.session())
        printer_id = db.session.scalars(select(Printer.id)).first()
        legacy = '{"id": 5, "address": "Main st \\ud800", "items": [{"name": "\\udc00\\ud83d\\ude00"}]}'
        db.session.execute(text("INSERT INTO checks (printer_id, type, \"order\", order_id, status, attempts) "
                                "VALUES (:printer, 'client', :order, 5, 'new', 1)"),
                           {"printer": printer_id, "order": legacy})
        db.session.commit()
        upgrade()
        db.session.expire_all()
        order = db.session.scalars(select(Check.order)).one()
        assert order == {"id": 5, "address": "Main st \ufffd", "items": [{"name": "\ufffd\U0001F600"}]}
        check_id = db.session.scalars(select(Check.id)).one()
        create_user(db.session(), "boss", "secret-pass", "admin")
        db.engine.dispose()
    client = app.test_client()
    assert client.post("/login", data={"username": "boss", "password": "secret-pass"}).status_code == 302
    assert client.get(f"/admin/check/details/?id={check_id}").status_code == 200


@pytest.mark.parametrize("url", BAD_KEYS)
@pytest.mark.parametrize("bad", [*BAD_URL.values(), "%FF"], ids=[*BAD_URL.keys(), "not utf-8"])
def test_a_printer_key_with_bad_text_is_an_unknown_key(client, world, url, bad):
    before = _counts(world)
    _assert_contract(_open(client, "GET", url.format(bad)), UNAUTHORIZED)
    assert _counts(world) == before
