"""Earnings and rating of the Lavka meta-info."""
from __future__ import annotations

import pytest

from delivery.domain.earnings import meta_figures


@pytest.mark.parametrize("kind,count,costs,days,expected", [
    ("FOOT", 9, 900, 1, {"earnings": 1800, "rating": 1}),   # 9 / 24 * 3 = 1.125
    ("BIKE", 12, 100, 1, {"earnings": 300, "rating": 1}),   # 12 / 24 * 2 = 1.0
    ("AUTO", 23, 0, 1, {"earnings": 0, "rating": 0}),       # 23 / 24 * 1 = 0.958
    ("AUTO", 48, 10, 2, {"earnings": 40, "rating": 1}),
    ("FOOT", 1, 5, 0, {}),                                  # empty window: no division by zero
    ("FOOT", 0, 0, 3, {}),                                  # nothing completed: keys absent
])
def test_meta_figures(kind, count, costs, days, expected):
    assert meta_figures(kind, count, costs, days) == expected
