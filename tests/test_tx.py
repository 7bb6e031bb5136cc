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
        with write_transaction(db.session) as session:
            session.add(District(id=1, name="a"))
        db.session.remove()
        assert count(db.session) == 1


def test_rolls_back_on_error(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            with write_transaction(db.session()) as session:
                session.add(District(id=1, name="a"))
                session.flush()
                raise RuntimeError("boom")
        assert count(db.session) == 0


def test_ends_an_earlier_read_first(app):
    with app.app_context():
        count(db.session)  # a read opens a transaction
        with write_transaction(db.session) as session:
            session.add(District(id=2, name="b"))
        assert count(db.session) == 1
