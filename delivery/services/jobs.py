"""The one way services queue background work: the tasks `create_app` hands over here.

The tasks (delivery/tasks.py) call services, so services never import them: the factory wires the
tasks module in with `wire`, and a service queues through `queued()`, e.g.
`jobs.queued().render_check(check_id)`. A task called returns Huey's result (its id), or raises when
the broker cannot be reached.
"""
from __future__ import annotations

from typing import Any, Protocol

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
