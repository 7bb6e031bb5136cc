"""CSRF: forms and htmx posts are refused without the token and accepted with it."""
from __future__ import annotations

import re

import pytest

from delivery.services.users import create_user


@pytest.fixture
def csrf_client(make_app, demo):
    create_user(demo, "carla", "pw-carla")
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def _token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_sign_in_needs_the_token(csrf_client):
    refused = csrf_client.post("/login", data={"username": "carla", "password": "pw-carla"})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    accepted = csrf_client.post("/login", data={"username": "carla", "password": "pw-carla", "csrf_token": token})
    assert accepted.status_code == 302


def test_htmx_post_needs_the_header(csrf_client):
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    csrf_client.post("/login", data={"username": "carla", "password": "pw-carla", "csrf_token": token})
    page = csrf_client.get("/ui/couriers/1/edit").get_data(as_text=True)
    token = _token(page)
    assert f'"X-CSRFToken": "{token}"' in page  # htmx sends it from hx-headers on <body>
    form = {"name": "Anna", "type": "FOOT", "districts": ["1"], "working_hours": "09:00-13:00"}
    refused = csrf_client.post("/ui/couriers/1/edit", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = csrf_client.post(
        "/ui/couriers/1/edit", data=form, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert accepted.status_code == 200 and accepted.headers["HX-Redirect"] == "/ui/couriers/1"


def test_json_apis_need_no_token(csrf_client):
    body = {"orders": [{"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 5}]}
    assert csrf_client.post("/orders", json=body).status_code == 200
    assert csrf_client.post("/courier/", json={"name": "Ann", "districts": ["Center"]}).status_code == 201
