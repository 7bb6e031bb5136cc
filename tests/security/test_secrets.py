"""No secret in the code: the embedded default makes its own key once; anywhere else the web app,
the consumer and the `flask` commands refuse to start without a SECRET_KEY of 32+ characters."""
from __future__ import annotations

import stat
import threading

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_login.utils import _create_identifier

from delivery.app import create_app
from delivery.extensions import db
from delivery.config import InsecureSettings, embedded_database_url, instance_secret_key, load_settings
from delivery.services.users import create_user

OLD_DEFAULT_KEY = "dev-only-secret-change-me"  # what delivery/config.py used to sign sessions with
REFUSAL = "delivery: refusing to start: SECRET_KEY "
HOW = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _embedded(tmp_path, **more) -> dict:
    """Overrides that make tmp_path the instance folder of the embedded default."""
    return {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": embedded_database_url(tmp_path), "SECRET_KEY": "", **more}


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(REFUSAL) and HOW in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("key", ["", "x" * 31])
def test_this_database_is_production_and_refuses_a_missing_or_short_key(base_config, key):
    with pytest.raises(InsecureSettings) as refused:
        create_app({**base_config, "SECRET_KEY": key})
    assert refused.value.code.startswith(REFUSAL)
    assert "DATABASE_URL is not the embedded default" in refused.value.code
    assert HOW in refused.value.code


def test_thirty_two_characters_are_enough(base_config):
    assert create_app({**base_config, "SECRET_KEY": "x" * 32}).secret_key == "x" * 32


def test_delivery_env_production_refuses_even_on_the_embedded_default(tmp_path):
    with pytest.raises(InsecureSettings) as refused:
        load_settings(_embedded(tmp_path, DELIVERY_ENV="production"))
    assert "DELIVERY_ENV=production" in refused.value.code
    assert not (tmp_path / "secret_key").exists()


def test_flask_commands_refuse_with_one_line(run_process, app):
    result = run_process("flask", "users", "create", "root", "--password", "pw", "--role", "admin", secret_key=None)
    assert result.returncode == 1
    _one_line(result.stderr)


def test_huey_consumer_refuses_with_one_line(run_process, app):
    result = run_process("huey_consumer", "delivery.worker.huey", "-w", "1", secret_key=None)
    assert result.returncode == 1
    _one_line(result.stderr)


def test_gunicorn_refuses_before_any_worker_starts(run_process, app):
    result = run_process("gunicorn", "-c", "gunicorn.conf.py", "-b", "127.0.0.1:0", "wsgi:app", secret_key=None)
    assert result.returncode == 1
    _one_line(result.stderr)


def test_short_key_refused_by_the_commands_too(run_process, app):
    result = run_process("flask", "seed", secret_key="too-short")
    assert result.returncode == 1
    assert "SECRET_KEY has 9 characters" in _one_line(result.stderr)


def test_a_short_key_is_refused_on_the_embedded_default_too(tmp_path):
    with pytest.raises(InsecureSettings) as refused:
        load_settings({**_embedded(tmp_path), "SECRET_KEY": "short"})
    assert "SECRET_KEY has 5 characters; SECRET_KEY, when set, must be" in refused.value.code


def test_embedded_default_makes_a_key_once_and_keeps_it(tmp_path):
    settings = load_settings(_embedded(tmp_path))
    stored = tmp_path / "secret_key"
    assert settings["PRODUCTION"] is False
    assert settings["SECRET_KEY"] == stored.read_text().strip()
    assert len(settings["SECRET_KEY"]) >= 60
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert load_settings(_embedded(tmp_path))["SECRET_KEY"] == settings["SECRET_KEY"]
    assert list(tmp_path.iterdir()) == [stored]  # no draft left behind
    other = tmp_path / "other"
    assert instance_secret_key(other) != settings["SECRET_KEY"]  # random, not a constant


def test_processes_starting_together_agree_on_one_key(tmp_path):
    keys: list[str] = []
    threads = [threading.Thread(target=lambda: keys.append(instance_secret_key(tmp_path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_a_session_survives_a_restart_on_the_embedded_default(tmp_path):
    def signer(app: Flask):
        return SecureCookieSessionInterface().get_signing_serializer(app)

    first = create_app(_embedded(tmp_path))
    cookie = signer(first).dumps({"seen": 1})
    restarted = create_app(_embedded(tmp_path))
    assert signer(restarted).loads(cookie) == {"seen": 1}


def _forged_session(app: Flask, key: str, data: dict) -> str:
    forger = Flask("forger")
    forger.config.update(app.config)
    forger.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(data)


def test_a_cookie_forged_with_the_old_default_key_opens_nothing(app, session, client):
    create_user(session, "root", "root-password-1", "admin")
    client.set_cookie("session", _forged_session(app, OLD_DEFAULT_KEY, {"_user_id": "1", "_fresh": True}))
    response = client.get("/admin/user/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_even_the_right_key_without_the_session_token_opens_nothing(app, client):
    # No app context held across the requests: Flask-Login would keep its first answer in `g`.
    with app.app_context():
        real_id = create_user(db.session(), "root", "root-password-1", "admin").get_id()
    headers = {"User-Agent": "forger"}
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()  # what session protection expects from this client

    def forged(login_id: str) -> str:
        return _forged_session(app, app.secret_key, {"_user_id": login_id, "_fresh": True, "_id": identifier})

    for wrong_id in ("1", f"1:{'x' * 43}"):
        client.set_cookie("session", forged(wrong_id))
        assert client.get("/admin/user/", headers=headers).status_code == 302
    # The same forgery with the token in it does open the page: the test can tell the two apart.
    client.set_cookie("session", forged(real_id))
    assert client.get("/admin/user/", headers=headers).status_code == 200
