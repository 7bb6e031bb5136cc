"""Fixtures of the API tests: real servers (gunicorn, a Huey consumer) as subprocesses, started only
by the tests that ask for them."""
from __future__ import annotations

import subprocess
import pytest

from delivery.testing import BIN, process_env, start_gunicorn, stop_process
from tests.helpers import ROOT


def server_env(base_config: dict) -> dict:
    """The environment a real process needs to share this test session's database and queue."""
    return process_env(
        DATABASE_URL=base_config["DATABASE_URL"],
        REDIS_URL=base_config["REDIS_URL"],
        HUEY_NAME=base_config["HUEY_NAME"],
        RATE_LIMIT="off",
        MEDIA_ROOT=base_config["MEDIA_ROOT"],
    )


def _gunicorn(base_config: dict, workers: int):
    """A real gunicorn with `workers` processes of 8 threads on this session's database; its URL."""
    try:
        process, url = start_gunicorn(server_env(base_config), workers=workers, threads=8)
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield url
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def gunicorn_url(base_config, _migrated):
    """A real gunicorn with two worker processes on this session's database; yields its base URL."""
    yield from _gunicorn(base_config, 2)


@pytest.fixture(scope="module")
def gunicorn_four_workers(base_config, _migrated):
    """gunicorn with four worker processes (as `make run WEB_WORKERS=4`): up to 32 requests at once."""
    yield from _gunicorn(base_config, 4)


@pytest.fixture
def huey_consumer(base_config, _migrated):
    """A real Huey consumer (two threads) on this session's Redis queue."""
    process = subprocess.Popen(
        [str(BIN / "huey_consumer"), "delivery.worker.huey", "-w", "2", "-k", "thread"],
        cwd=ROOT, env=server_env(base_config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        stop_process(process)
