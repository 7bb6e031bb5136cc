"""Real processes and throwaway databases, for the test suite and the benchmarks.

Both start real gunicorn servers on free loopback ports and make PostgreSQL databases they drop
afterwards; this is the one place that knows how. Nothing in the app imports it.

Throwaway databases count as production, which asks for a SECRET_KEY: importing this module gives
the process (and every server it starts) a random one, unless SECRET_KEY is set already.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from sqlalchemy.engine import URL, make_url

from delivery.config import ROOT, normalise_database_url

BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))

# The consumers' watchdog settings for fault tests: beats twice a second, leases of 3 s, a lost run
# after 3 s of silence (production: tens of seconds).
FAST_WATCHDOG = {"HEARTBEAT_SECONDS": "0.5", "CHECK_LEASE_SECONDS": "3", "CHECK_REQUEUE_SECONDS": "5",
                 "CONSUMER_SILENCE_SECONDS": "3"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_admin_connection(admin_url: str):
    """An autocommit psycopg2 connection for CREATE/DROP DATABASE, and the parsed URL."""
    import psycopg2

    url = make_url(normalise_database_url(admin_url))
    conn = psycopg2.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        dbname=url.database or "postgres",
    )
    conn.autocommit = True
    return conn, url


def create_pg_database(admin_url: str, prefix: str = "delivery_tmp", name: str | None = None) -> tuple[str, str]:
    """Create an empty database on the server of `admin_url`; return its URL and name."""
    name = name or f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn, url = pg_admin_connection(admin_url)
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return _render(url.set(database=name)), name


def drop_pg_database(admin_url: str, name: str) -> None:
    """Drop a database made by create_pg_database, ending its connections."""
    conn, _ = pg_admin_connection(admin_url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def process_env(**settings: str) -> dict[str, str]:
    """This process's environment without the test-only variables, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    env.update({"PYTHONPATH": str(ROOT), **settings})
    return env


def start_gunicorn(
    env: dict[str, str], *, workers: int = 2, threads: int = 8, app: str = "wsgi:app", wait: float = 30.0,
    access_log: Path | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (with the project's gunicorn.conf.py) on a free port and wait until /ping
    answers; return the process and base URL. `access_log`: a file for gunicorn's access log."""
    port = free_port()
    logging = ["--access-logfile", str(access_log)] if access_log else []
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", *logging, app],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app} exited during start-up (code {process.returncode})")
        try:
            with urlopen(f"{base}/ping", timeout=1) as response:
                if response.status == 200:
                    return process, base
        except (URLError, OSError):
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"gunicorn {app} did not answer /ping within {wait:.0f} s")


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a child process, killing it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def start_redis(port: int | None = None, wait: float = 15.0) -> tuple[subprocess.Popen, int]:
    """Start a private redis-server (no persistence) on a free loopback port, or `port` (a restart);
    wait until it answers PING; return the process and its port."""
    import redis

    port = port or free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited during start-up (code {process.returncode})")
            try:
                if client.ping():
                    return process, port
            except redis.ConnectionError:
                time.sleep(0.1)
    finally:
        client.close()
    stop_process(process)
    raise RuntimeError(f"redis-server did not answer on port {port} within {wait:.0f} s")


def start_consumer(env: dict[str, str], *, workers: int = 2, log: Path | None = None) -> subprocess.Popen:
    """Start a `huey_consumer` process (thread workers, polling as the Makefile's CONSUMER does) in a
    session of its own, so `kill_group` ends it with every wkhtmltopdf it started."""
    output = log.open("ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [str(BIN / "huey_consumer"), "delivery.worker.huey", "--workers", str(workers), "--worker-type",
             "thread", "--delay", "0.1", "--max-delay", "0.5"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    finally:
        if log:
            output.close()


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started in a session of its own, and its children: a crash, not a stop."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def slow_wkhtmltopdf(folder: Path, delay: float, log: Path, real: str = "wkhtmltopdf") -> Path:
    """A wkhtmltopdf wrapper that appends its parent's pid (the consumer) to `log`, sleeps `delay`
    seconds, then runs the real one: renders last long enough to kill a consumer in the middle."""
    import shutil

    binary = shutil.which(real) or real
    script = folder / "slow-wkhtmltopdf"
    script.write_text(f'#!/bin/sh\necho "$PPID" >> "{log}"\nsleep {delay}\nexec "{binary}" "$@"\n')
    script.chmod(0o755)
    return script


def on_sqlite_and_postgres(run: Callable[[str, str], None], admin_url: str | None = None) -> None:
    """Call `run(database_url, label)` on a temporary SQLite file, then on a throwaway PostgreSQL
    database made through `admin_url` (BENCH_DATABASE_URL, or the local server); say so and stop
    when no PostgreSQL can be reached."""
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", "SQLite")
    admin = admin_url or os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        database_url, name = create_pg_database(admin, prefix="delivery_bench")
    except Exception as error:  # noqa: BLE001 - no PostgreSQL here: SQLite figures only
        print(f"PostgreSQL skipped: {error}")
        return
    try:
        run(database_url, "PostgreSQL")
    finally:
        drop_pg_database(admin, name)
