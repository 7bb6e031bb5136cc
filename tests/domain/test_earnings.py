"""Earnings and rating of the Lavka meta-info."""
from __future__ import annotations

import pytest

from delivery.domain.earnings import MetaFigures, meta_figures


@pytest.mark.parametrize("kind,count,costs,days,expected", [
    ("FOOT", 9, 900, 1, MetaFigures(1800, 1)),  # 9 / 24 * 3 = 1.125
    ("BIKE", 12, 100, 1, MetaFigures(300, 1)),  # 12 / 24 * 2 = 1.0
    ("AUTO", 23, 0, 1, MetaFigures(0, 0)),      # 23 / 24 * 1 = 0.958
    ("AUTO", 48, 10, 2, MetaFigures(40, 1)),
    ("FOOT", 1, 5, 0, None),                    # empty window: no division by zero
    ("FOOT", 0, 0, 3, None),                    # nothing completed: no figures
])
def test_meta_figures(kind, count, costs, days, expected):
    assert meta_figures(kind, count, costs, days) == expected
