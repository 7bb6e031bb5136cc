"""Queueing work: a broker that cannot be reached is `Unavailable` with the one message."""
from __future__ import annotations

import pytest

from delivery.domain.errors import Unavailable
from delivery.services import jobs


def test_queueing_turns_a_broker_error_into_unavailable_and_passes_the_rest():
    with pytest.raises(Unavailable) as down:
        with jobs.queueing():
            raise ConnectionError("Redis refused")
    assert down.value.message == jobs.QUEUE_DOWN and isinstance(down.value.__cause__, ConnectionError)
    with jobs.queueing():
        queued = "task id"
    assert queued == "task id"
