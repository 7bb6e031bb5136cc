"""RFC 3339 instants and strict dates of the Lavka API."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from delivery.domain.lavka_time import format_instant, parse_date, parse_instant


@pytest.mark.parametrize("text,moment,digits", [
    ("2023-04-22T10:13:00.876Z", datetime(2023, 4, 22, 10, 13, 0, 876000), 3),
    ("2023-04-22T10:13:00Z", datetime(2023, 4, 22, 10, 13), 0),
    ("2023-04-22T10:13:00.8765Z", datetime(2023, 4, 22, 10, 13, 0, 876000), 3),
    ("2023-04-22T10:13:00.8Z", datetime(2023, 4, 22, 10, 13, 0, 800000), 1),
    ("2023-04-22T10:13:00", datetime(2023, 4, 22, 10, 13), 0),
    ("2023-04-22 10:13:00+02:30", datetime(2023, 4, 22, 7, 43), 0),
    ("2023-04-22T23:13:00-01:00", datetime(2023, 4, 23, 0, 13), 0),
])
def test_parse_instant(text, moment, digits):
    assert parse_instant(text) == (moment, digits)


@pytest.mark.parametrize("text", [
    "", "2023-04-22", "2023-04-22T10:13Z", "2023-04-22T10:13:00+0200", "2023-13-01T00:00:00Z",
    "2023-04-22T10:13:00.Z", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+00:01", "x", 5, None,
])
def test_bad_instants(text):
    with pytest.raises(ValueError):
        parse_instant(text)


@pytest.mark.parametrize("digits,text", [(0, "2023-01-02T03:04:05Z"), (1, "2023-01-02T03:04:05.0Z"),
                                         (3, "2023-01-02T03:04:05.067Z")])
def test_format_instant(digits, text):
    assert format_instant(datetime(2023, 1, 2, 3, 4, 5, 67000), digits) == text


def test_parse_date():
    assert parse_date("2023-01-20") == date(2023, 1, 20)
    for bad in ("20230120", "2023-1-20", "2023-02-30", " 2023-01-20", None, 20230120):
        with pytest.raises(ValueError):
            parse_date(bad)
