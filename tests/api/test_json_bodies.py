"""Bodies that are not JSON a client could mean: every JSON API answers with its own error, never a 500.

Python's json module gives up on deeply nested arrays with RecursionError, and on an integer of more
than 4300 digits with a plain ValueError, rather than a decoding error; such bodies are still just bad input.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from delivery.models import Check, Courier, Order

DEEP = '{"a": ' + "[" * 20000 + "]" * 20000 + "}"

# path -> (status, error body check) of each contract for a body that is not JSON
CONTRACTS = {
    "/couriers": (400, lambda body: body == {}),
    "/orders": (400, lambda body: body == {}),
    "/orders/complete": (400, lambda body: body == {}),
    "/courier/": (422, lambda body: set(body) == {"detail"}),
    "/order/": (422, lambda body: set(body) == {"detail"}),
    "/create_checks/": (400, lambda body: set(body) == {"error"}),
}


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Courier, Order, Check))


@pytest.mark.parametrize("path", CONTRACTS)
@pytest.mark.parametrize("body", [DEEP, '{"a": ' + "9" * 5000 + "}", "{not json", '{"a": [[[[' + "]" * 4],
                         ids=["deep", "5000 digits", "broken", "unbalanced"])
def test_a_body_that_is_not_json_is_the_contract_s_error(client, session, path, body):
    before = _counts(session)
    status, shape = CONTRACTS[path]
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == status
    assert shape(response.get_json())
    session.expire_all()
    assert _counts(session) == before


@pytest.mark.parametrize("field", ["weight", "cost"])
@pytest.mark.parametrize("number", ["1e400", "-1e400", "Infinity", "NaN"])
def test_lavka_order_numbers_beyond_a_float_are_a_400(client, session, field, number):
    item = {"weight": 1, "regions": 1, "delivery_hours": ["10:00-11:00"], "cost": 100}
    raw = json.dumps({"orders": [item]}).replace(f'"{field}": {item[field]}', f'"{field}": {number}')
    response = client.post("/orders", data=raw, content_type="application/json")
    assert (response.status_code, response.get_json()) == (400, {})
    assert session.scalar(select(func.count()).select_from(Order)) == 0
