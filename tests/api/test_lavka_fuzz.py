"""Property-based fuzzing of the Lavka operations from the served OpenAPI document.

Valid and invalid inputs alike never yield a 5xx, every answer is one the document declares with a
body that conforms, and data that breaks the document is refused with a 4xx. Bounded: 25 cases
per operation and generation mode.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import courier, order, post_couriers, post_orders

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
OFFICIAL = json.loads(Path(__file__).with_name("lavka-openapi.json").read_text())
OPERATIONS = [(method.upper(), path) for path, item in OFFICIAL["paths"].items() for method in item]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_lavka_operation_holds_its_contract(app, method, path, mode):
    client = app.test_client()
    # A few rows, so reads and completions also reach their "found" branches.
    post_couriers(client, courier("FOOT"), courier("AUTO", [1, 2, 3]))
    post_orders(client, order(), order(region=2))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operation = schema.find_operation_by_path(method, path)
    assert operation is not None, f"{method} {path} is not served"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
