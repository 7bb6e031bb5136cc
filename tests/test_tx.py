"""write_transaction commits, rolls back, and takes Flask-SQLAlchemy's scoped session as well."""
import pytest
from sqlalchemy import func, select

from delivery.extensions import db
from delivery.models import District
from delivery.services.tx import write_transaction


def count(session):
    return session.scalar(select(func.count()).select_from(District))


def test_commits_on_success_with_the_scoped_session(app):
    with app.app_context():
        with write_transaction(db.session()) as session:
            session.add(District(id=1, name="a"))
        db.session.remove()
        assert count(db.session()) == 1


def test_rolls_back_on_error(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            with write_transaction(db.session()) as session:
                session.add(District(id=1, name="a"))
                session.flush()
                raise RuntimeError("boom")
        assert count(db.session()) == 0


def test_ends_an_earlier_read_first(app):
    with app.app_context():
        count(db.session())  # a read opens a transaction
        with write_transaction(db.session()) as session:
            session.add(District(id=2, name="b"))
        assert count(db.session()) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not __import__("os").environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_a_read_survives_connections_the_server_dropped(app):
    """Reads skip the ping round trip; a pooled connection the server ended (a restart) costs one
    retry, not an error."""
    from sqlalchemy import text

    from delivery.services.tx import autocommit_engine, read_rows

    with app.app_context():
        with write_transaction(db.session()) as session:
            session.add(District(id=1, name="a"))
        query = select(District.__table__.c.name)
        assert read_rows(db.session(), query) == [("a",)]
        pooled = autocommit_engine(db.session())
        with pooled.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with db.engine.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        assert read_rows(db.session(), query) == [("a",)]
