"""The OpenAPI document describes each API's own error answers, never flask-smorest's generic one."""
from __future__ import annotations


def test_no_operation_documents_a_generic_default_error(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    documented = [(path, method) for path, operations in paths.items() for method, operation in operations.items()
                  if isinstance(operation, dict) and "default" in operation.get("responses", {})]
    assert documented == []


def test_each_api_documents_its_errors_in_its_contract_s_schema(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    complete = paths["/order/{order_id}"]["post"]["responses"]
    assert {"404", "409", "422"} <= set(complete)
    assert complete["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Detail"}
    courier = paths["/couriers/{courier_id}"]["get"]["responses"]
    assert courier["400"]["description"] == "bad request" and courier["404"]["description"] == "not found"


def test_a_refused_request_is_documented_in_the_api_s_own_error_schema(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    listing = paths["/courier/"]["get"]["responses"]["422"]  # its query arguments (offset, limit)
    assert listing["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Detail"}
    page = paths["/orders"]["get"]["responses"]["400"]
    assert page["description"] == "bad request"
    assert "422" not in paths["/orders"]["get"]["responses"]
