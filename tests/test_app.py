"""The app boots, answers /ping, keeps its pages behind sign-in and reads its settings."""
from __future__ import annotations

import pytest

from delivery.config import load_settings, normalise_database_url


def test_ping(client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.get_json() == "pong"
    assert response.mimetype == "application/json"


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_home_shows_live_counts(client, session, login):
    from delivery.services.fixtures import load_demo

    load_demo(session)
    login()
    page = client.get("/").get_data(as_text=True)
    assert 'data-count="couriers">4<' in page
    assert 'data-count="orders-new">6<' in page
    assert "<html" in page
    fragment = client.get("/", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'data-count="couriers">4<' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_wrong_password_is_refused(client, session):
    from delivery.services.users import create_user

    create_user(session, "ann", "right-pass")
    response = client.post("/login", data={"username": "ann", "password": "wrong"})
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_login_refuses_open_redirect(client, session):
    from delivery.services.users import create_user

    create_user(session, "bob", "pw")
    response = client.post("/login?next=https://evil.example/", data={"username": "bob", "password": "pw"})
    assert response.headers["Location"] == "/"


def test_unknown_page_is_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_admin_needs_admin(client, login):
    assert client.get("/admin/").status_code == 302
    login("dispatcher")
    assert client.get("/admin/").status_code == 403


def test_admin_opens_for_admins(client, login):
    login("admin")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/check/").status_code == 200


def test_settings_precedence(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT", "off")
    monkeypatch.setenv("LAVKA_STRICT_COMPLETE", "0")
    monkeypatch.setenv("PORT", "9999")
    settings = load_settings()
    assert settings["RATE_LIMIT"] == "off"
    assert settings["LAVKA_STRICT_COMPLETE"] is False
    assert settings["PORT"] == 9999
    assert load_settings({"PORT": "1234"})["PORT"] == 1234


@pytest.mark.parametrize(
    "given,expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_spelling(given, expected):
    assert normalise_database_url(given) == expected


def test_session_signing_serializer_is_made_once_per_key_set(login, client):
    """Sessions still sign and verify; the serializer is built once, and again when the keys change
    (a rotated SECRET_KEY keeps old cookies valid through SECRET_KEY_FALLBACKS)."""
    app = client.application
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    login("dispatcher")
    assert client.get("/").status_code == 200  # the signed session cookie is read back
    old_key = app.secret_key
    try:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "rotated-key", [old_key]
        assert interface.get_signing_serializer(app) is not first
        assert client.get("/").status_code == 200  # signed with the old key, verified by the fallback
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old_key, []
