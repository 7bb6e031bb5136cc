"""Flask-Admin is no back door round the rules: what a state machine or a service's side effects own
is shown, not edited; printers get their key and users their hashed password from the services."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from delivery.models import Courier, District, Order, Printer, Trip, User
from delivery.services import users

READ_ONLY = {
    "order": (Order, {"status": "completed", "courier_id": "1", "weight": "1"}),
    "courier": (Courier, {"active_order_id": "1", "free_since": "", "name": "X", "type": "AUTO"}),
    "trip": (Trip, {"courier_id": "1"}),
    "district": (District, {"id": "77", "name": "Elsewhere"}),
}


@pytest.fixture
def admin(client, session, login):
    from delivery.services.fixtures import load_demo

    load_demo(session)
    login("admin")
    return client


def _rows(session, model) -> list[tuple]:
    session.expire_all()
    return [tuple(getattr(r, c.key) for c in model.__table__.columns)
            for r in session.scalars(select(model).order_by(*model.__table__.primary_key.columns))]


@pytest.mark.parametrize("name", READ_ONLY)
def test_orders_couriers_trips_and_districts_are_only_shown(admin, session, name):
    model, form = READ_ONLY[name]
    some = session.scalar(select(model.id).order_by(model.id))
    before = _rows(session, model)
    assert admin.get(f"/admin/{name}/").status_code == 200
    if some is not None:
        assert admin.get(f"/admin/{name}/details/?id={some}").status_code == 200
    assert admin.get(f"/admin/{name}/edit/?id={some or 1}").status_code == 302  # no form: back to the list
    assert admin.get(f"/admin/{name}/new/").status_code == 302
    admin.post(f"/admin/{name}/edit/?id={some or 1}", data=form)
    admin.post(f"/admin/{name}/new/", data=form)
    admin.post("/admin/{}/delete/".format(name), data={"id": str(some or 1)})
    assert _rows(session, model) == before


def test_a_printer_made_here_gets_a_random_key_from_the_service(admin, session):
    response = admin.post("/admin/printer/new/", data={
        "name": "Bar", "api_key": "typed-by-hand", "check_type": "kitchen", "point_id": "9"})
    assert response.status_code == 302
    printer = session.scalar(select(Printer).where(Printer.point_id == 9))
    assert (printer.name, printer.check_type) == ("Bar", "kitchen")
    assert printer.api_key != "typed-by-hand" and len(printer.api_key) == 43
    assert 'name="api_key"' not in admin.get("/admin/printer/new/").get_data(as_text=True)
    assert 'name="api_key"' not in admin.get(f"/admin/printer/edit/?id={printer.id}").get_data(as_text=True)
    admin.post(f"/admin/printer/edit/?id={printer.id}", data={
        "name": "Bar 2", "api_key": "typed-by-hand", "check_type": "kitchen", "point_id": "9"})
    session.refresh(printer)
    assert printer.name == "Bar 2" and printer.api_key != "typed-by-hand"


def test_a_user_made_here_signs_in_with_the_password_given(admin, session):
    response = admin.post("/admin/user/new/", data={"username": " zoe ", "password": "zoe-pass-1", "role": "admin"})
    assert response.status_code == 302
    zoe = users.authenticate(session, "zoe", "zoe-pass-1")
    assert zoe is not None and zoe.role == "admin" and "zoe-pass-1" not in zoe.password_hash
    users_before = session.scalar(select(func.count()).select_from(User))
    taken = admin.post("/admin/user/new/", data={"username": "zoe", "password": "other-pass", "role": "admin"},
                       follow_redirects=True)
    assert "user &#39;zoe&#39; exists already" in taken.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == users_before
    edit = admin.get(f"/admin/user/edit/?id={zoe.id}").get_data(as_text=True)
    assert 'name="role"' in edit and 'name="username"' not in edit and "password" not in edit.lower()


def test_an_account_turned_off_here_is_signed_out_everywhere(admin, session):
    bob = users.create_user(session, "bob", "bob-pass-1")
    token = bob.session_token
    admin.post(f"/admin/user/edit/?id={bob.id}", data={"role": "dispatcher", "active": "y"})
    session.refresh(bob)
    assert bob.session_token == token  # nothing changed: still signed in
    admin.post(f"/admin/user/edit/?id={bob.id}", data={"role": "dispatcher"})  # active unticked
    session.refresh(bob)
    assert bob.active is False and bob.session_token != token
