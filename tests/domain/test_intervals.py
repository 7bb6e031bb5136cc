"""Interval parsing is exact: two ASCII digits each, the whole string, start before end."""
from __future__ import annotations

import pytest

from delivery.domain.intervals import is_interval, parse_interval, valid_spans


def test_parse_interval():
    assert parse_interval("00:00-23:59") == (0, 1439)
    assert parse_interval("10:30-10:31") == (630, 631)


@pytest.mark.parametrize("text", ["10:00-12:00\n", " 10:00-12:00", "10:00-12:00 ", "1:00-12:00",
                                  "\u0661\u0660:00-12:00", "10:00-\u0661\u0662:00", "12:00-12:00",
                                  "12:00-11:00", "24:00-24:01", "", None, 1000])
def test_rejects(text):
    assert not is_interval(text)


def test_valid_spans_keeps_the_intervals_that_parse_and_skips_the_rest():
    assert valid_spans(["10:00-12:00", "bad", "12:00-11:00", 5, "23:00-23:59"]) == ((600, 720), (1380, 1439))
    assert valid_spans([]) == ()
