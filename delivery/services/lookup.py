"""One row by its primary key, or the 404 every API and page gives for an unknown id: written once."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from delivery.errors import ApiError

Row = TypeVar("Row")


def get_or_404(session: Session, model: type[Row], key: Any, message: str) -> Row:
    """The `model` row whose primary key is `key`; a 404 saying `message` when there is none."""
    row = session.get(model, key)
    if row is None:
        raise ApiError(404, message)
    return row
