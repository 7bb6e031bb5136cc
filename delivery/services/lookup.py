"""One row by its primary key, or NotFound (every API's and page's 404) for an unknown id: written once."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from delivery.domain.errors import NotFound

Row = TypeVar("Row")


def get_one(session: Session, model: type[Row], key: Any, message: str) -> Row:
    """The `model` row whose primary key is `key`; NotFound saying `message` when there is none."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(message)
    return row
