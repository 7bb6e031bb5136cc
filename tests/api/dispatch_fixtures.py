"""Fixtures of the dispatch tests: real servers (gunicorn, a Huey consumer) as subprocesses.

Test modules import the fixtures they use, so this stays out of any shared conftest.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
redis_only = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (TEST_REDIS_URL)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(base_config: dict) -> dict:
    """The environment a real process needs to share this test session's database and queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    env.update(
        DATABASE_URL=base_config["DATABASE_URL"],
        REDIS_URL=base_config["REDIS_URL"],
        HUEY_NAME=base_config["HUEY_NAME"],
        RATE_LIMIT="off",
        MEDIA_ROOT=base_config["MEDIA_ROOT"],
        PYTHONPATH=str(ROOT),
    )
    return env


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def gunicorn_url(base_config, _migrated):
    """A real gunicorn with two worker processes on this session's database; yields its base URL."""
    import requests

    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=server_env(base_config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # up to ~30 s for two workers to boot
            if process.poll() is not None:
                pytest.fail("gunicorn exited during start-up")
            try:
                if requests.get(url + "/ping", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /ping")
        yield url
    finally:
        stop(process)


@pytest.fixture
def huey_consumer(base_config, _migrated):
    """A real Huey consumer (two threads) on this session's Redis queue."""
    process = subprocess.Popen(
        [str(BIN / "huey_consumer"), "delivery.tasks.huey", "-w", "2", "-k", "thread"],
        cwd=ROOT, env=server_env(base_config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        stop(process)


@pytest.fixture(autouse=True)
def app_loggers_enabled(_migrated):
    """Alembic's fileConfig disables loggers that existed before it ran; errors must still be logged."""
    import logging

    for name in ("delivery.errors", "delivery.services.dispatch", "delivery.tasks"):
        logging.getLogger(name).disabled = False
