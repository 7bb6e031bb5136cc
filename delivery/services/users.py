"""Users: creation and sign-in checks."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import ROLES, User


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
    """Return the active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
