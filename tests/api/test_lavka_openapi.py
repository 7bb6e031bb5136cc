"""The served /openapi.json matches the official lavka-openapi.json for every Lavka operation:
same paths, methods, status codes, parameters, and body field names, types and formats."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

# A verbatim copy of the official document, kept beside the test.
OFFICIAL = json.loads(Path(__file__).with_name("lavka-openapi.json").read_text())

# lavka.md: the meta-info endpoint also answers 400 and 404, which the official document omits.
EXTRA_STATUSES = {("/couriers/meta-info/{courier_id}", "get"): {"400", "404"}}


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op, item.get("parameters", [])


OFFICIAL_OPS = [(p, m) for p, m, _, _ in operations(OFFICIAL)]


def resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def shape(doc: dict, schema: dict):
    """Names, types and formats of a schema, recursively; other keywords are not compared."""
    schema = resolve(doc, schema)
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind == "array":
        return ["array", shape(doc, schema["items"])]
    if kind == "object":
        return {name: shape(doc, prop) for name, prop in schema.get("properties", {}).items()}
    return (kind, schema.get("format"))


def params(doc: dict, op: dict, shared: list) -> dict:
    return {(p["name"], p["in"]): (bool(p.get("required")), shape(doc, p["schema"]))
            for p in [*shared, *op.get("parameters", [])]}


def body(doc: dict, op: dict):
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    return shape(doc, content["schema"]) if content else None


def responses(doc: dict, op: dict) -> dict:
    out = {}
    for status, response in op["responses"].items():
        content = response.get("content", {}).get("application/json")
        out[status] = shape(doc, content["schema"]) if content else None
    return out


@pytest.fixture(scope="module")
def served(make_app):
    return make_app().test_client().get("/openapi.json").get_json()


@pytest.mark.parametrize("path,method", OFFICIAL_OPS, ids=[f"{m} {p}" for p, m in OFFICIAL_OPS])
def test_operation_matches_the_official_document(served, path, method):
    official = OFFICIAL["paths"][path][method]
    assert path in served["paths"], f"{path} not served"
    assert method in served["paths"][path], f"{method} {path} not served"
    ours = served["paths"][path][method]
    shared = served["paths"][path].get("parameters", [])
    assert params(served, ours, shared) == params(OFFICIAL, official, [])
    assert body(served, ours) == body(OFFICIAL, official)
    expected = responses(OFFICIAL, official)
    for status in EXTRA_STATUSES.get((path, method), ()):
        expected[status] = {}
    assert responses(served, ours) == expected
    if "requestBody" in official:
        assert ours["requestBody"].get("required") is True


def test_no_lavka_operation_beyond_the_official_ones(served):
    ours = {(p, m) for p, m, _, _ in operations(served) if p.split("/")[1] in ("couriers", "orders")}
    assert ours == set(OFFICIAL_OPS)


def test_every_operation_has_a_summary(served):
    for path, method, op, _ in operations(served):
        if path.split("/")[1] in ("couriers", "orders"):
            assert op.get("summary"), f"{method} {path}"
