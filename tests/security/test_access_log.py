"""Printers' api keys (in the query string by contract) never reach the request logs: gunicorn's
access log through gunicorn.conf.py, and the development server's log."""
from __future__ import annotations

import logging
import threading

import requests
from werkzeug.serving import make_server

from delivery.access_log import mask_api_keys
from delivery.extensions import db
from delivery.services.receipts import create_printer
from delivery.testing import process_env, start_gunicorn, stop_process


def _printer_key(app) -> str:
    with app.app_context():
        return create_printer(db.session(), 1, "kitchen").api_key


def _ask(base: str, key: str) -> None:
    for path, params in (("/new_checks/", {"api_key": key}), ("/check/", {"api_key": key, "check_id": "1"}),
                         ("/new_checks", {"api_key": key, "x": "1"})):
        assert requests.get(base + path, params=params, timeout=30).status_code < 500
    # Another spelling of the name is masked too.
    requests.get(f"{base}/new_checks/?API_Key={key}", timeout=30)


def test_gunicorn_access_log_masks_api_keys(app, base_config, tmp_path):
    key = _printer_key(app)
    log = tmp_path / "access.log"
    env = process_env(DATABASE_URL=base_config["DATABASE_URL"], REDIS_URL=base_config["REDIS_URL"],
                      HUEY_NAME=base_config["HUEY_NAME"], MEDIA_ROOT=base_config["MEDIA_ROOT"])
    process, base = start_gunicorn(env, workers=1, threads=2, access_log=log)
    try:
        _ask(base, key)
    finally:
        stop_process(process)
    text = log.read_text()
    assert "GET /new_checks/?api_key=*** HTTP/1.1" in text, text
    assert "GET /check/?api_key=***&check_id=1 " in text and "API_Key=***" in text
    assert key not in text


def test_development_server_log_masks_api_keys(app, caplog):
    key = _printer_key(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _ask(f"http://127.0.0.1:{server.server_port}", key)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("/new_checks/?api_key=***" in line for line in lines), lines
    assert not any(key in line for line in lines)


def test_mask_keeps_the_rest_of_the_line():
    assert mask_api_keys('"GET /check/?check_id=3&api_key=s3cr3t-_x HTTP/1.1" 200') == \
        '"GET /check/?check_id=3&api_key=*** HTTP/1.1" 200'
    assert mask_api_keys("/new_checks/?api_key=") == "/new_checks/?api_key=***"
    assert mask_api_keys("/new_checks/?api%5Fkey=k1") == "/new_checks/?api%5Fkey=***"
