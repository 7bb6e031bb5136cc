"""Dates and instants as the Lavka API spells them (lavka.md, Conventions).

`complete_time` is RFC 3339 with `Z`, an offset or no zone (then UTC), with or without fractions.
Instants are kept as naive UTC datetimes truncated to milliseconds, together with how many fraction
digits the client sent (0-3), so the answer keeps the received precision.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

# ASCII digits only, matched in full (`$` alone would accept a trailing newline).
_INSTANT_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))?",
    re.ASCII,
)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_instant(text: str) -> tuple[datetime, int]:
    """Parse an RFC 3339 instant into (naive UTC datetime to the millisecond, fraction digits kept).

    Raise ValueError for anything else, including impossible dates and instants outside year 1..9999.
    """
    if not isinstance(text, str):
        raise ValueError("an instant must be a string")
    match = _INSTANT_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 instant: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, _zulu, sign, off_h, off_m = match.groups()[6:]
    digits = min(len(fraction or ""), 3)
    millis = int((fraction or "")[:3].ljust(3, "0"))
    try:
        local = datetime(year, month, day, hour, minute, second, millis * 1000)
        offset = timedelta(0)
        if sign:
            if int(off_h) > 23 or int(off_m) > 59:
                raise ValueError(f"bad zone offset in {text!r}")
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            if sign == "-":
                offset = -offset
        return local - offset, digits
    except OverflowError as error:  # the offset pushes it out of year 1..9999
        raise ValueError(str(error)) from error


def format_instant(moment: datetime, digits: int = 3) -> str:
    """Format a naive UTC datetime as `YYYY-MM-DDTHH:MM:SS[.fff]Z` with `digits` fraction digits."""
    moment = moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits > 0:
        text += "." + f"{moment.microsecond // 1000:03d}"[:digits]
    return text + "Z"


def parse_date(text: object) -> date:
    """Parse a strict `YYYY-MM-DD` date; raise ValueError for anything else."""
    if not isinstance(text, str) or _DATE_RE.fullmatch(text) is None:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date.fromisoformat(text)


def midnight(day: date) -> datetime:
    """Return the naive UTC datetime at 00:00 of a day."""
    return datetime(day.year, day.month, day.day)
