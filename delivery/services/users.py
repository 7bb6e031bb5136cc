"""Users: creation and sign-in checks."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from werkzeug.security import check_password_hash

from delivery.errors import ApiError
from delivery.models import ROLES, User
from delivery.models.user import DUMMY_PASSWORD_HASH


def create_user(session: Session, username: str, password: str, role: str = "dispatcher") -> User:
    """Create a user; refuse a taken name, an unknown role or an empty password."""
    username = username.strip()
    if not username or not password:
        raise ApiError(400, "username and password are required")
    if role not in ROLES:
        raise ApiError(400, f"role must be one of {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)):
        raise ApiError(409, f"user {username!r} exists already")
    user = User(username=username, role=role)
    user.set_password(password)
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user with these credentials, or None.

    One password hash is verified whether or not the user exists (a dummy one for an unknown name),
    so the time taken does not tell which usernames exist.
    """
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(DUMMY_PASSWORD_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: every session and remember cookie made so far stops working."""
    user.end_sessions()
    session.commit()
