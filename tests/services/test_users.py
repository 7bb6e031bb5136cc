"""The users service itself, on the real database: creating users and checking sign-ins."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from delivery.domain.errors import Conflict, Invalid
from delivery.models import User
from delivery.services import users


def test_a_new_user_signs_in_with_the_password_only(session):
    made = users.create_user(session, "  ann  ", "secret-pass", "admin")
    assert (made.username, made.role, made.active) == ("ann", "admin", True)
    assert users.authenticate(session, "ann", "secret-pass").id == made.id
    assert users.authenticate(session, " ann ", "secret-pass").id == made.id
    assert users.authenticate(session, "ann", "wrong") is None
    assert users.authenticate(session, "nobody", "secret-pass") is None


@pytest.mark.parametrize("username, password, role, message", [
    ("", "secret", "dispatcher", "username and password are required"),
    ("   ", "secret", "dispatcher", "username and password are required"),
    ("ann", "", "dispatcher", "username and password are required"),
    ("ann", "secret", "root", "role must be one of"),
])
def test_an_empty_name_or_password_or_an_unknown_role_is_invalid(session, username, password, role, message):
    with pytest.raises(Invalid, match=message):
        users.create_user(session, username, password, role)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_taken_name_is_a_conflict_and_the_first_user_stays(session):
    users.create_user(session, "ann", "secret-pass")
    with pytest.raises(Conflict, match="user 'ann' exists already"):
        users.create_user(session, "ann", "other-pass", "admin")
    assert [(u.username, u.role) for u in session.scalars(select(User))] == [("ann", "dispatcher")]
    assert users.authenticate(session, "ann", "secret-pass") is not None


def test_an_inactive_user_cannot_sign_in_and_ending_sessions_changes_the_token(session):
    user = users.create_user(session, "ann", "secret-pass")
    token = user.session_token
    users.end_sessions(session, user)
    session.expire_all()
    assert session.get(User, user.id).session_token != token
    session.get(User, user.id).active = False
    session.commit()
    assert users.authenticate(session, "ann", "secret-pass") is None
