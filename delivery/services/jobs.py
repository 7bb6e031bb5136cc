"""The one way services queue background work: the tasks `create_app` hands over here.

The tasks (delivery/tasks.py) call services, so services never import them: the factory wires the
tasks module in with `wire`, and a service queues through `queued()`, e.g.
`jobs.queued().render_check(check_id)`. A task called returns Huey's result (its id), or raises when
the broker cannot be reached: queue inside `with jobs.queueing():` to say so as `Unavailable`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from delivery.domain.errors import Unavailable

# What a use case says when the broker cannot be reached to queue its task (`Unavailable`).
QUEUE_DOWN = "The task queue cannot be reached; try again in a moment."


class Jobs(Protocol):
    """The background tasks services queue."""

    def render_check(self, check_id: int, force: bool = False) -> Any: ...

    def refresh_courier_stats_task(self, courier_id: int) -> Any: ...

    def plan_day(self, day_iso: str) -> Any: ...


_jobs: Jobs | None = None


def wire(jobs: Jobs) -> None:
    """Give services the tasks to queue (create_app does, with delivery.tasks)."""
    global _jobs
    _jobs = jobs


def queued() -> Jobs:
    """The tasks to queue; a mistake before `create_app` wired them."""
    if _jobs is None:
        raise RuntimeError("no background tasks wired: create_app() wires them")
    return _jobs


@contextmanager
def queueing() -> Iterator[None]:
    """Queue work inside: a broker that cannot be reached (any error) becomes `Unavailable(QUEUE_DOWN)`,
    which the pages and APIs show as a 503 rather than a 500."""
    try:
        yield
    except Exception as error:
        raise Unavailable(QUEUE_DOWN) from error
