"""Sign-in: attempts throttled per username and failures per address (429 with a message), the same
answer and the same work for an unknown user as for a wrong password, and a sign-out that ends the
session on the server, so a copied cookie stops working."""
from __future__ import annotations

import re

import pytest
from werkzeug import security

from delivery.extensions import db
from delivery.models.user import DUMMY_PASSWORD_HASH
from delivery.services import users
from delivery.services.users import create_user

BUDGET = 5  # SIGN_IN_LIMIT's default: 5 a minute (and 30 an hour) per username and per address
THROTTLED = "Too many sign-in attempts for this username or from this address."


@pytest.fixture
def accounts(app):
    # Made in their own app context: requests must not share one (Flask-Login keeps its user in `g`).
    with app.app_context():
        for name in ("anna", "boris"):
            create_user(db.session(), name, f"{name}-password", "dispatcher")


def _sign_in(client, username: str, password: str, address: str = "10.0.0.1", **headers):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_wrong_passwords_for_one_username_are_throttled_from_any_address(client, accounts):
    for attempt in range(BUDGET):
        assert _sign_in(client, "anna", "guess", address=f"10.0.1.{attempt}").status_code == 401
    # Over budget: refused with a message, even with the right password, from yet another address.
    response = _sign_in(client, "anna", "anna-password", address="10.0.1.99")
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Other usernames are not locked by it.
    assert _sign_in(client, "boris", "boris-password", address="10.0.1.98").status_code == 302


def test_failures_from_one_address_are_throttled_whatever_the_username(client, accounts):
    for attempt in range(BUDGET):
        assert _sign_in(client, f"nobody-{attempt}", "guess").status_code == 401
    response = _sign_in(client, "boris", "boris-password")
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    assert _sign_in(client, "boris", "boris-password", address="10.0.0.2").status_code == 302


def test_an_address_counts_only_failures(app, client, accounts):
    # An office behind one address: many people signing in is not an attack.
    with app.app_context():
        for i in range(BUDGET * 2):
            create_user(db.session(), f"clerk{i}", "clerk-password")
    for i in range(BUDGET * 2):
        assert _sign_in(client, f"clerk{i}", "clerk-password").status_code == 302


def test_a_username_counts_every_attempt_so_parallel_guesses_cannot_overtake(client, accounts):
    """The count is taken before the password is checked: guesses in flight at once are counted too."""
    codes = [_sign_in(client, "anna", "anna-password", address=f"10.0.2.{i}").status_code for i in range(BUDGET)]
    assert codes == [302] * BUDGET
    assert _sign_in(client, "anna", "anna-password", address="10.0.2.99").status_code == 429


def test_an_unknown_user_gets_the_answer_of_a_wrong_password(client, accounts):
    unknown = _sign_in(client, "nobody", "guess")
    wrong = _sign_in(client, "anna", "guess", address="10.0.0.2")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong username or password." in unknown.get_data(as_text=True)
    # The same page but for the typed name (CSRF tokens differ on every page, so they are left out).
    assert _untokened(unknown).replace("nobody", "anna") == _untokened(wrong)


def _untokened(response) -> str:
    return re.sub(r'(csrf-token" content="|csrf_token" value="|X-CSRFToken": ")[^"]*', r"\1", response.get_data(as_text=True))


def test_an_unknown_user_costs_one_password_hash_like_a_wrong_password(app, accounts, monkeypatch):
    """No timing assertion: both paths verify exactly one hash, made the same way."""
    verified: list[str] = []
    real = security.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        verified.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    monkeypatch.setattr("delivery.models.user.check_password_hash", counting)
    with app.app_context():
        assert users.authenticate(db.session(), "nobody", "guess") is None
        assert verified == [DUMMY_PASSWORD_HASH]
        assert users.authenticate(db.session(), "anna", "guess") is None
        anna_hash = verified[1]
    assert len(verified) == 2
    # Same method and cost (e.g. scrypt:32768:8:1), so the two verifications take the same work.
    assert DUMMY_PASSWORD_HASH.split("$")[0] == anna_hash.split("$")[0]


def test_a_disabled_account_is_refused_like_a_wrong_password(app, client, accounts):
    from delivery.models import User

    with app.app_context():
        db.session.query(User).filter_by(username="anna").update({"active": False})
        db.session.commit()
    response = _sign_in(client, "anna", "anna-password")
    assert response.status_code == 401 and "Wrong username or password." in response.get_data(as_text=True)


def test_a_cookie_copied_before_sign_out_is_dead_after_it(app, client, accounts):
    assert _sign_in(client, "anna", "anna-password", address="127.0.0.1").status_code == 302
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/ui/couriers").status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    response = thief.get("/ui/couriers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remember_cookie_dies_with_the_sign_out_too(app, client, accounts):
    response = client.post("/login", data={"username": "anna", "password": "anna-password", "remember": "1"})
    assert response.status_code == 302
    remembered = client.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/ui/couriers").status_code == 200
    client.post("/logout")
    other_thief = app.test_client()
    other_thief.set_cookie("remember_token", remembered)
    assert other_thief.get("/ui/couriers").status_code == 302


def test_a_session_used_from_another_browser_is_dropped(app, client, accounts):
    assert _sign_in(client, "anna", "anna-password", address="127.0.0.1", **{"User-Agent": "dispatcher's browser"}
                    ).status_code == 302
    assert client.get("/ui/couriers", headers={"User-Agent": "dispatcher's browser"}).status_code == 200
    stolen = client.get("/ui/couriers", headers={"User-Agent": "thief's browser"})
    assert stolen.status_code == 302 and "/login" in stolen.headers["Location"]
