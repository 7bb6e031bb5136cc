"""Reasons given for orders the planner left out."""
from __future__ import annotations

import pytest

from delivery.domain.unplanned import NO_CAPACITY, NO_HOURS, NO_REGION, TOO_HEAVY, why_unplanned

FOOT_1 = ("FOOT", [1], [(600, 720)])
AUTO_2 = ("AUTO", [2], [(480, 1200)])


@pytest.mark.parametrize(
    "weight,region,windows,couriers,code",
    [
        (1, 3, [(600, 700)], [FOOT_1, AUTO_2], NO_REGION),
        (11, 1, [(600, 700)], [FOOT_1], TOO_HEAVY),
        (41, 2, [(600, 700)], [AUTO_2], TOO_HEAVY),
        (1, 1, [(500, 610)], [FOOT_1], NO_HOURS),  # 10:00 start + 25 min is past the window
        (1, 1, [(730, 800)], [FOOT_1], NO_HOURS),
        (1, 1, [(600, 625)], [FOOT_1], NO_CAPACITY),  # exactly 10:25: fits, so capacity
        (30, 2, [(500, 520)], [AUTO_2], NO_CAPACITY),
        (1, 1, [], [FOOT_1], NO_HOURS),
    ],
)
def test_reason(weight, region, windows, couriers, code):
    assert why_unplanned(weight, region, windows, couriers).code == code


def test_messages_name_the_facts():
    assert "region 3" in why_unplanned(1, 3, [(0, 10)], [FOOT_1]).message
    assert "10 kg" in why_unplanned(11, 1, [(600, 700)], [FOOT_1]).message
