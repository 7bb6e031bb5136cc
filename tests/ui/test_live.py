"""Live pages poll their fragments every second: an unchanged fragment answers 304, a change 200."""
from __future__ import annotations

import pytest

from delivery.models import Order
from tests.helpers import HX


@pytest.mark.parametrize("url", ["/", "/ui/orders", "/ui/couriers", "/ui/checks", "/ui/tasks", "/ui/plan"])
def test_unchanged_fragment_is_not_modified(signed_in, demo, url):
    first = signed_in.get(url, headers=HX)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
    again = signed_in.get(url, headers={**HX, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # A full page is never answered 304 by this: only fragments carry the ETag.
    assert "ETag" not in signed_in.get(url).headers


def test_a_change_gives_a_new_fragment(signed_in, demo):
    etag = signed_in.get("/ui/orders", headers=HX).headers["ETag"]
    demo.add(Order(name="Borscht", weight=1, district_id=1, delivery_hours=["10:00-11:00"], cost=1))
    demo.commit()
    changed = signed_in.get("/ui/orders", headers={**HX, "If-None-Match": etag})
    assert changed.status_code == 200 and "Borscht" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_a_planned_day_renders_the_same_twice(signed_in, demo):
    """A timeline with trips is stable between polls (no row order left to chance), so polls get 304."""
    response = signed_in.post("/ui/plan", data={"date": "2026-05-01"}, headers=HX)
    assert response.status_code in (200, 202)
    first = signed_in.get("/ui/plan?date=2026-05-01", headers=HX)
    assert "data-trip=" in first.get_data(as_text=True)
    again = signed_in.get("/ui/plan?date=2026-05-01", headers={**HX, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
