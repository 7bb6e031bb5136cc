"""Helpers of the security tests: real processes on this session's database, and cookies as sent."""
from __future__ import annotations

import subprocess

import pytest

from delivery.testing import BIN, process_env
from tests.helpers import ROOT

STRONG_KEY = "k" * 48


@pytest.fixture
def run_process(base_config):
    """Run a real command (flask, huey_consumer, gunicorn) on this session's database and queue;
    `secret_key=None` leaves SECRET_KEY out of its environment."""

    def run(*command: str, secret_key: str | None = STRONG_KEY, timeout: float = 60, **settings: str):
        env = process_env(
            DATABASE_URL=base_config["DATABASE_URL"],
            REDIS_URL=base_config["REDIS_URL"],
            HUEY_NAME=base_config["HUEY_NAME"],
            MEDIA_ROOT=base_config["MEDIA_ROOT"],
            FLASK_APP="wsgi",
            **settings,
        )
        env.pop("SECRET_KEY", None)
        if secret_key is not None:
            env["SECRET_KEY"] = secret_key
        return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)

    return run
