"""Time intervals `HH:MM-HH:MM` as minutes of the day, closed at both ends (lavka.md, planning.md)."""
from __future__ import annotations

import re
from collections.abc import Iterable

# ASCII digits only, and fullmatch: `$` alone would also accept a trailing newline.
INTERVAL_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)", re.ASCII)

Interval = tuple[int, int]


def parse_interval(text: str) -> Interval:
    """Parse `HH:MM-HH:MM` into (start, end) minutes; raise ValueError unless start < end."""
    if not isinstance(text, str):
        raise ValueError("an interval must be a string")
    match = INTERVAL_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an HH:MM-HH:MM interval: {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise ValueError(f"an interval must start before it ends: {text!r}")
    return start, end


def is_interval(text: object) -> bool:
    """Tell whether a value is a valid interval string."""
    try:
        parse_interval(text)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def valid_spans(intervals: Iterable[object]) -> tuple[Interval, ...]:
    """The intervals that parse, as (start, end) minutes; any other is skipped: hours stored in another
    spelling (older data, another door) are no hours to plan or draw, rather than an error."""
    spans = []
    for text in intervals:
        try:
            spans.append(parse_interval(text))  # type: ignore[arg-type]
        except ValueError:
            continue
    return tuple(spans)


def format_minute(minute: int) -> str:
    """Format a minute of the day as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
