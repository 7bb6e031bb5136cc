"""Every response carries the security headers; cookies are HttpOnly, SameSite=Lax, and Secure
where the app is served over HTTPS (on by default in production)."""
from __future__ import annotations

import pytest

from delivery.config import embedded_database_url, load_settings
from delivery.extensions import db
from delivery.services.users import create_user
from tests.helpers import set_cookie

PAGES = ["/login", "/", "/ui/couriers", "/swagger-ui", "/admin/", "/openapi.json", "/ping", "/couriers",
         "/static/app.js", "/no-such-page"]


@pytest.fixture
def admin_client(app, client):
    with app.app_context():
        create_user(db.session(), "root", "root-password", "admin")
    assert client.post("/login", data={"username": "root", "password": "root-password"}).status_code == 302
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"):
        assert directive in policy
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src "))
    assert script_src.startswith("script-src 'self' 'nonce-")
    assert "unsafe" not in policy


def test_each_page_has_its_own_nonce(client):
    first, second = (client.get("/login").headers["Content-Security-Policy"] for _ in range(2))
    assert first != second


def test_session_and_remember_cookies_are_httponly_lax_and_secure_in_production(app, client):
    assert app.config["PRODUCTION"] and app.config["HTTPS"]  # a database other than the embedded default
    with app.app_context():
        create_user(db.session(), "anna", "anna-password")
    response = client.post("/login", data={"username": "anna", "password": "anna-password", "remember": "1"})
    for name in ("session", "remember_token"):
        cookie = set_cookie(response, name)
        assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "; Secure" in cookie, cookie


def test_plain_http_setting_drops_secure_only(make_app, app):
    plain = make_app(HTTPS=False)
    with plain.app_context():
        create_user(db.session(), "anna", "anna-password")
    response = plain.test_client().post("/login", data={"username": "anna", "password": "anna-password",
                                                          "remember": "1"})
    for name in ("session", "remember_token"):
        cookie = set_cookie(response, name)
        assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "Secure" not in cookie, cookie


def test_https_defaults_to_on_in_production_and_off_on_the_embedded_default(tmp_path, base_config):
    assert load_settings({**base_config})["HTTPS"] is True
    embedded = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": embedded_database_url(tmp_path), "SECRET_KEY": ""}
    assert load_settings(embedded)["HTTPS"] is False
    assert load_settings({**embedded, "HTTPS": "1"})["HTTPS"] is True


def test_hsts_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"].startswith(
        "max-age=")


def test_behind_a_trusted_proxy_its_headers_count(make_app, app):
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    response = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    # Sign-in throttling counts the client's address, not the proxy's.
    for attempt in range(5):
        proxied.post("/login", data={"username": f"n{attempt}", "password": "x"},
                     headers={"X-Forwarded-For": "192.0.2.7"})
    assert proxied.post("/login", data={"username": "n9", "password": "x"},
                        headers={"X-Forwarded-For": "192.0.2.7"}).status_code == 429
    assert proxied.post("/login", data={"username": "n9", "password": "x"},
                        headers={"X-Forwarded-For": "192.0.2.8"}).status_code == 401


def test_admin_pages_never_show_a_password_hash_or_session_token(app, admin_client):
    from delivery.models import User

    with app.app_context():
        root = db.session.query(User).filter_by(username="root").one()
        secrets_of_root = (root.password_hash.split("$")[-1], root.session_token)
    for path in ("/admin/user/", "/admin/user/details/?id=1", "/admin/user/edit/?id=1"):
        page = admin_client.get(path)
        assert page.status_code == 200
        assert not any(secret in page.get_data(as_text=True) for secret in secrets_of_root), path
