"""Fixtures shared by every backend test.

Each test session gets its own database: a temporary SQLite file by default, or a fresh PostgreSQL
database created from TEST_DATABASE_URL (and dropped afterwards), built by the real migrations.
Between tests every table is emptied and sequences restart, so ids start at 1 as on a new install.
Huey runs tasks immediately in-process unless a test starts a real consumer.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from delivery.app import create_app
from delivery.extensions import db, limiter
from delivery.queue import huey
from delivery.queue import init_app as configure_queue
from delivery.testing import create_pg_database, drop_pg_database
from tests.helpers import RUN_ID, TEST_DATABASE_URL, TEST_REDIS_URL


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, empty database for this test session."""
    if TEST_DATABASE_URL:
        url, name = create_pg_database(TEST_DATABASE_URL, name=f"delivery_test_{RUN_ID}")
        yield url
        drop_pg_database(TEST_DATABASE_URL, name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory) -> dict:
    media = tmp_path_factory.mktemp("media")
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        # Throwaway databases count as production: a key as long as production asks for.
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "RATE_LIMIT": "off",
        "LAVKA_STRICT_COMPLETE": True,
        "MEDIA_ROOT": str(media),
        "HUEY_IMMEDIATE": True,
        "HUEY_NAME": f"delivery-test-{RUN_ID}",
        "HUEY_SQLITE_PATH": str(tmp_path_factory.mktemp("huey") / "huey.db"),
        "RATE_LIMIT_PREFIX": f"delivery-test-{RUN_ID}",
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }


@pytest.fixture(scope="session")
def _migrated(base_config):
    """Build the schema once, with the migrations users run."""
    from flask_migrate import upgrade

    app = create_app(base_config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return True


@pytest.fixture(scope="session")
def make_app(base_config, _migrated):
    """Build an app on the session's database, with some settings overridden."""

    def factory(**overrides):
        return create_app({**base_config, **overrides})

    return factory


@pytest.fixture(scope="session")
def _session_app(make_app):
    return make_app()


@pytest.fixture
def app(_session_app):
    """The default test app, on an emptied database; rate limits reset."""
    # The queue is a process-wide singleton: an app built since (the browser tests' live server, a
    # make_app override) may have pointed it elsewhere. Point it back at this app's queue.
    config = _session_app.config
    if huey.app is not _session_app:
        configure_queue(_session_app, config)
    with _session_app.app_context():
        empty_database()
    # So is the rate limiter's storage (a make_app override with another REDIS_URL re-points it, even
    # at a Redis that is not there): init_app again sets this app's storage and adds no second hook.
    limiter.init_app(_session_app)
    if limiter.enabled:
        limiter.reset()
    yield _session_app
    with _session_app.app_context():
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """The app's `flask` command line, run in this process."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The app context's SQLAlchemy session (what callers hand services: `db.session()`)."""
    with app.app_context():
        yield db.session()


def empty_database() -> None:
    """Delete every row and restart sequences, so a test sees a new install."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE couriers SET active_order_id = NULL"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
    db.session.remove()


def pytest_report_header(config):
    backend = "PostgreSQL" if TEST_DATABASE_URL else "SQLite"
    queue = "Redis" if TEST_REDIS_URL else "SQLite/immediate"
    return f"delivery: database {backend}, queue and rate limits {queue}"


@pytest.fixture
def login(client, session):
    """Sign the test client in as a new user of the given role."""
    from delivery.services.users import create_user

    def do(role: str = "dispatcher", username: str | None = None):
        name = username or f"{role}-{uuid.uuid4().hex[:6]}"
        create_user(session, name, "secret-pass", role)
        response = client.post("/login", data={"username": name, "password": "secret-pass"})
        assert response.status_code == 302, response.data
        return name

    return do


@pytest.fixture
def signed_in(client, login):
    """The test client, signed in as a dispatcher."""
    login("dispatcher")
    return client
