"""Users: creation and sign-in checks."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from werkzeug.security import check_password_hash

from delivery.domain.errors import Conflict, Invalid
from delivery.models import ROLES, User
from delivery.models.user import DUMMY_PASSWORD_HASH
from delivery.services.tx import write_transaction


def create_user(session: Session, username: str, password: str, role: str = "dispatcher") -> User:
    """Create a user; `Invalid` for an empty name or password or an unknown role, `Conflict` for a
    taken name."""
    user = new_user(username, password, role)  # hashing takes a while: not inside the write lock
    with write_transaction(session):
        add_user(session, user)
    return user


def new_user(username: str, password: str, role: str = "dispatcher") -> User:
    """A user not yet stored, with its password hashed; `Invalid` for an empty name or password or
    an unknown role."""
    username = username.strip()
    if not username or not password:
        raise Invalid("username and password are required")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    user = User(username=username, role=role)
    user.set_password(password)
    return user


def add_user(session: Session, user: User) -> None:
    """Store a `new_user` inside the caller's write transaction; `Conflict` for a taken name."""
    if session.scalar(select(User.id).where(User.username == user.username)) is not None:
        raise Conflict(f"user {user.username!r} exists already")
    session.add(user)


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
    with write_transaction(session):
        user.end_sessions()
