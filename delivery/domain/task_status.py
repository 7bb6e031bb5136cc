"""A recorded task run's status (`task_runs.status`): the name of the last Huey signal it received,
or one of the task monitor's own (`retried`, `lost`). Plain text, so one table keeps them all."""
from __future__ import annotations

ENQUEUED, SCHEDULED, EXECUTING, RETRYING = "enqueued", "scheduled", "executing", "retrying"
# Queued again by hand from the tasks page: the failure is handled.
RETRIED = "retried"
# Still executing on a consumer that stopped beating (services/consumers.py marks it).
LOST = "lost"

QUEUED = (ENQUEUED, SCHEDULED, RETRYING)
# Not over yet: waiting in the queue or running.
UNFINISHED = (*QUEUED, EXECUTING)
FAILED = ("error", "expired", "revoked", "canceled", "timeout", "interrupted", "locked", LOST)
