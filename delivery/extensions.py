"""Flask extensions as unbound singletons; `create_app` binds them to an application."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations name the same thing the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _global_key() -> str:
    # The Lavka budget is per endpoint and shared by every client, so every caller has the same key.
    return "all-clients"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class ContractApi(Api):
    """flask-smorest's Api without its generic `default` error response in the OpenAPI documents:
    every API answers errors in its own contract's shape (delivery/errors.py), never flask-smorest's,
    and each endpoint documents the errors it gives (`@blp.errors`)."""

    DEFAULT_ERROR_RESPONSE_NAME = None


api = ContractApi()
limiter = Limiter(key_func=_global_key, default_limits_per_method=True)
htmx = Htmx()
login_manager = LoginManager()
csrf = CSRFProtect()
