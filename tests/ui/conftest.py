"""Fixtures of the page tests: demo data (the signed-in client is in tests/conftest.py)."""
from __future__ import annotations

import pytest

from delivery.services.fixtures import load_demo

@pytest.fixture
def demo(session):
    """Demo printers, districts, four couriers and six orders."""
    load_demo(session)
    return session
