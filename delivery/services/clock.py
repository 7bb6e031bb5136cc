"""The one clock of the services: now as a naive UTC datetime, the way every timestamp is stored."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now as a naive UTC datetime, the way every timestamp is stored."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
