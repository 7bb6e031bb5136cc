"""Helpers of the page tests: a signed-in client, demo data, and full-page/fragment pairs."""
from __future__ import annotations

import pytest

from delivery.services.fixtures import load_demo

HX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client, login):
    """The test client, signed in as a dispatcher."""
    login("dispatcher")
    return client


@pytest.fixture
def demo(session):
    """Demo printers, districts, four couriers and six orders."""
    load_demo(session)
    return session


def both(client, url: str) -> tuple[str, str]:
    """GET a page normally and as htmx; check each is what it should be and return their text."""
    full = client.get(url)
    assert full.status_code == 200, full.get_data(as_text=True)[:500]
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200, fragment.get_data(as_text=True)[:500]
    for response in (full, fragment):
        assert "HX-Request" in response.headers.get("Vary", "")
    full_text, fragment_text = full.get_data(as_text=True), fragment.get_data(as_text=True)
    assert "<html" in full_text and "<html" not in fragment_text
    return full_text, fragment_text
