"""Users who sign in to the dispatcher's pages and the admin."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from delivery.extensions import db

ROLES = ("dispatcher", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# Verified when no such user exists, so refusing an unknown name costs what a wrong password costs.
# Made like every real hash (same method and cost), from a password nobody knows.
DUMMY_PASSWORD_HASH = generate_password_hash(secrets.token_urlsafe(32))


class User(UserMixin, db.Model):
    """A dispatcher or an admin; only admins reach /admin."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('dispatcher', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="dispatcher")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, server_default=func.now())
    # In every session of this user (see get_id); a new one on sign-out ends all of them, cookies
    # copied elsewhere included.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default=new_session_token)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: id and session token."""
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token.encode(), token.encode())

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user (the caller commits)."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Set the password; sessions opened with the old one end."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
