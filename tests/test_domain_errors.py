"""Domain errors are mapped to HTTP statuses at the edge (the API tests see them in each contract's shape)."""
from __future__ import annotations

import pytest

from delivery.domain.errors import Conflict, DomainError, Invalid, NotFound, Unauthorized, Unavailable
from delivery.errors import flatten_messages, status_of


@pytest.mark.parametrize(
    ("error", "status"),
    [(Invalid("x"), 400), (Unauthorized("x"), 401), (NotFound("x"), 404), (Conflict("x"), 409),
     (Unavailable("x"), 503), (DomainError("x"), 400)],
)
def test_each_kind_has_its_status(error, status):
    assert status_of(error) == status



def test_nested_validation_messages_flatten_to_one_line():
    """One spelling for the API's 400 texts and the file import's row errors."""
    messages = {"json": {"items": {0: {"name": ["Missing data.", "Twice."]}}, "id": "Not an integer."}}
    assert flatten_messages(messages) == "json.items.0.name: Missing data. Twice.; json.id: Not an integer."
    assert flatten_messages({}) == ""
