"""POST /couriers, GET /couriers/{id}, GET /couriers: lavka.md, Couriers and Conventions."""
from __future__ import annotations

import pytest

from tests.helpers import courier, post_couriers

INT32_MAX = 2**31 - 1



def test_regions_may_be_whole_numbers_written_with_a_fraction(client):
    raw = '{"couriers": [{"courier_type": "FOOT", "regions": [2.0, 5e0], "working_hours": ["10:00-12:00"]}]}'
    response = client.post("/couriers", data=raw, content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()["couriers"][0]["regions"] == [2, 5]
    assert "2.0" not in response.get_data(as_text=True)

def test_batch_is_stored_in_order_with_sequential_ids(client):
    sent = [
        courier("FOOT", [1], ["10:00-12:00"]),
        courier("BIKE", [3, 1, 3], ["14:00-15:00", "09:00-10:00", "09:00-10:00"]),
        courier("AUTO", [7, 2, 5, 9, 11], ["00:00-23:59"]),
    ]
    response = client.post("/couriers", json={"couriers": sent})
    assert response.status_code == 200
    expected = [{"courier_id": i, **c} for i, c in enumerate(sent, start=1)]
    assert response.get_json() == {"couriers": expected}
    # Lists come back exactly as given: same order, duplicates kept.
    for dto in expected:
        assert client.get(f"/couriers/{dto['courier_id']}").get_json() == dto


def test_unknown_fields_are_ignored(client):
    body = {"couriers": [{**courier(), "name": "x", "rating": 5}], "extra": True}
    response = client.post("/couriers", json=body)
    assert response.status_code == 200
    assert response.get_json() == {"couriers": [{"courier_id": 1, **courier()}]}


def test_overlapping_hours_and_edge_times_are_accepted(client):
    hours = ["00:00-23:59", "10:00-11:00", "10:30-12:00", "23:58-23:59"]
    assert post_couriers(client, courier(hours=hours))[0]["working_hours"] == hours


def test_region_bounds(client):
    assert post_couriers(client, courier(regions=[1, INT32_MAX]))[0]["regions"] == [1, INT32_MAX]


GOOD = courier()
BAD_COURIERS = {
    "missing type": {"regions": [1], "working_hours": ["10:00-12:00"]},
    "missing regions": {"courier_type": "FOOT", "working_hours": ["10:00-12:00"]},
    "missing hours": {"courier_type": "FOOT", "regions": [1]},
    "null type": {**GOOD, "courier_type": None},
    "null regions": {**GOOD, "regions": None},
    "null hours": {**GOOD, "working_hours": None},
    "null region": {**GOOD, "regions": [None]},
    "null interval": {**GOOD, "working_hours": [None]},
    "lower-case type": {**GOOD, "courier_type": "foot"},
    "unknown type": {**GOOD, "courier_type": "PLANE"},
    "type not a string": {**GOOD, "courier_type": 1},
    "empty regions": {**GOOD, "regions": []},
    "empty hours": {**GOOD, "working_hours": []},
    "region as string": {**GOOD, "regions": ["1"]},
    "region as bool": {**GOOD, "regions": [True]},
    "region as float": {**GOOD, "regions": [1.5]},
    "region zero": {**GOOD, "regions": [0]},
    "region negative": {**GOOD, "regions": [-1]},
    "region above int32": {**GOOD, "regions": [INT32_MAX + 1]},
    "regions not a list": {**GOOD, "regions": 1},
    "hours not a list": {**GOOD, "working_hours": "10:00-12:00"},
    "interval not a string": {**GOOD, "working_hours": [1000]},
    "interval one digit hour": {**GOOD, "working_hours": ["9:00-12:00"]},
    "interval bad hour": {**GOOD, "working_hours": ["24:00-24:30"]},
    "interval bad minute": {**GOOD, "working_hours": ["10:60-11:00"]},
    "interval reversed": {**GOOD, "working_hours": ["12:00-10:00"]},
    "interval zero length": {**GOOD, "working_hours": ["10:00-10:00"]},
    "interval crossing midnight": {**GOOD, "working_hours": ["23:00-01:00"]},
    "interval with spaces": {**GOOD, "working_hours": ["10:00 - 12:00"]},
    "interval with seconds": {**GOOD, "working_hours": ["10:00:00-12:00:00"]},
    "interval with trailing newline": {**GOOD, "working_hours": ["10:00-12:00\n"]},
    "interval with non-ASCII digits": {**GOOD, "working_hours": ["\u0661\u0660:00-12:00"]},
    "courier not an object": "FOOT",
}


@pytest.mark.parametrize("bad", BAD_COURIERS.values(), ids=BAD_COURIERS.keys())
def test_invalid_courier_rejects_the_whole_batch(client, bad):
    response = client.post("/couriers", json={"couriers": [GOOD, bad]})
    assert response.status_code == 400
    assert response.get_json() == {}
    # Nothing was stored: the next valid batch starts at id 1.
    assert post_couriers(client, GOOD)[0]["courier_id"] == 1


BAD_BODIES = {
    "malformed json": ("{\"couriers\": [", "application/json"),
    "empty body": ("", "application/json"),
    "array body": ("[]", "application/json"),
    "string body": ("\"x\"", "application/json"),
    "null body": ("null", "application/json"),
    "empty object": ("{}", "application/json"),
    "null couriers": ("{\"couriers\": null}", "application/json"),
    "empty couriers": ("{\"couriers\": []}", "application/json"),
    "couriers not a list": ("{\"couriers\": {}}", "application/json"),
    "not json at all": ("couriers=1", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("data,content_type", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_body_is_400(client, data, content_type):
    response = client.post("/couriers", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json() == {}


BAD_IDS = ["foo", "0", "-1", "1.5", "1e3", str(2**63), "99999999999999999999", "%20", "1%0A",
           "%D9%A1", "0x1"]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_bad_path_id_is_400(client, raw):
    response = client.get(f"/couriers/{raw}")
    assert response.status_code == 400
    assert response.get_json() == {}


@pytest.mark.parametrize("raw", ["1", "2", str(2**63 - 1)])
def test_unknown_courier_is_404(client, raw):
    response = client.get(f"/couriers/{raw}")
    assert response.status_code == 404
    assert response.get_json() == {}


def test_paging_defaults_and_echo(client):
    post_couriers(client, *[courier(regions=[i]) for i in range(1, 6)])
    body = client.get("/couriers").get_json()
    assert body == {"couriers": [{"courier_id": 1, **courier(regions=[1])}], "limit": 1, "offset": 0}
    body = client.get("/couriers?offset=1&limit=3").get_json()
    assert [c["courier_id"] for c in body["couriers"]] == [2, 3, 4]
    assert (body["limit"], body["offset"]) == (3, 1)
    body = client.get("/couriers?offset=4&limit=10").get_json()
    assert [c["courier_id"] for c in body["couriers"]] == [5]
    assert client.get("/couriers?offset=5").get_json() == {"couriers": [], "limit": 1, "offset": 5}
    assert client.get(f"/couriers?offset={INT32_MAX}&limit={INT32_MAX}").status_code == 200


def test_a_huge_page_is_streamed_and_equals_the_small_pages(client, monkeypatch):
    """A page over STREAM_ABOVE couriers is written a chunk of rows at a time; it is the same JSON as
    the small pages, couriers with several regions cut across chunk boundaries."""
    from delivery.api import lavka_couriers as view
    from delivery.services import couriers as service

    post_couriers(client, *[courier(courier_type=("FOOT", "BIKE", "AUTO")[i % 3], regions=[(i + k) % 5 + 1 for k in range(i % 3 + 1)],
                                    hours=["08:00-09:00", "10:00-11:00"][: i % 2 + 1]) for i in range(60)])
    small = [c for offset in range(0, 60, 7)
             for c in client.get(f"/couriers?offset={offset}&limit=7").get_json()["couriers"]]
    assert len(small) == 60
    monkeypatch.setattr(view, "STREAM_ABOVE", 10)
    monkeypatch.setattr(service, "CHUNK_ROWS", 4)
    response = client.get("/couriers?offset=3&limit=50")
    assert response.is_streamed and response.mimetype == "application/json"
    assert response.get_json() == {"couriers": small[3:53], "limit": 50, "offset": 3}
    assert client.get(f"/couriers?offset=55&limit={INT32_MAX}").get_json() == {
        "couriers": small[55:], "limit": INT32_MAX, "offset": 55}
    assert client.get("/couriers?offset=60&limit=11").get_json() == {"couriers": [], "limit": 11, "offset": 60}


BAD_PAGES = ["limit=0", "limit=-1", "offset=-1", "limit=abc", "offset=x", "limit=1.5", "limit=",
             f"limit={INT32_MAX + 1}", f"offset={INT32_MAX + 1}", "limit=true", "limit=%D9%A1",
             "limit=1%0A", "limit=%201", "limit=1e2"]


@pytest.mark.parametrize("query", BAD_PAGES)
def test_bad_paging_is_400(client, query):
    response = client.get(f"/couriers?{query}")
    assert response.status_code == 400
    assert response.get_json() == {}


def test_wrong_method_keeps_the_empty_body(client):
    response = client.delete("/couriers/1")
    assert response.status_code == 405
    assert response.get_json() == {}


def test_the_hand_made_lists_are_exactly_the_schemas_dump(client, monkeypatch):
    """The lists are sent without marshmallow (a hot path, see api/lavka_couriers.py): each equals
    what its schema would dump, with every field the schema requires."""
    from delivery.api import lavka_couriers as view
    from delivery.api import lavka_schemas as s

    created = post_couriers(client, courier("BIKE", [2, 1], ["08:00-09:00", "10:00-11:00"]), courier("AUTO"))
    batch = {"couriers": created}
    assert s.CreateCouriersResponse().dump(batch) == batch and s.CreateCouriersResponse().validate(batch) == {}
    page = client.get("/couriers?limit=5").get_json()
    assert page["couriers"] == created
    assert s.GetCouriersResponse().dump(page) == page and s.GetCouriersResponse().validate(page) == {}
    monkeypatch.setattr(view, "STREAM_ABOVE", 1)
    assert client.get("/couriers?limit=5").get_json() == page  # the streamed page too
    # One courier is dumped by its schema: the same shape.
    assert client.get(f"/couriers/{created[0]['courier_id']}").get_json() == created[0]
