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
