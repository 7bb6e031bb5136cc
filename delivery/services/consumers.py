"""No check is stuck: render leases, consumer heartbeats, and the sweep that queues lost checks again.

A render first claims its check with a conditional UPDATE (a lease: `lease_owner`, `lease_until`),
so two consumers never render one check at once. Every Huey consumer process runs a watchdog thread
(delivery/watchdog.py, the queue's edge) whose beat calls the steps here: every HEARTBEAT_SECONDS it records that it is alive (`consumer_beats`), renews the leases of the
renders it is running, queues again the `new` checks whose task was lost (a lease that ran out: its
consumer died mid-render; or no lease and a task queued long ago or never: Redis was down, the web
process died between commit and enqueue), gives up on a check after CHECK_MAX_ATTEMPTS lost renders,
and marks the task runs of silent consumers `lost` on the tasks page.

Times come from each host's clock (`utcnow`); leases last tens of seconds, far beyond NTP skew.
A duplicate task is harmless: the lease and the `status = 'new'` condition make it a no-op.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from delivery.domain.receipts import CheckStatus
from delivery.domain.task_status import EXECUTING, LOST
from delivery.models import Check, ConsumerBeat, TaskRun
from delivery.services.clock import utcnow
from delivery.services.tx import is_sqlite, write_transaction

log = logging.getLogger(__name__)

GAVE_UP = "gave up after {n} attempts: no render finished (its consumer stopped each time?)"
LOST_RUN = "lost: its consumer stopped answering while running it"
# Beats of consumers gone this long are deleted.
_FORGET_AFTER = timedelta(days=1)
# While the queue holds tasks, a check queued long ago may still be waiting in it: wait this many
# times longer before queueing it again, so a backlog is not doubled every CHECK_REQUEUE_SECONDS.
BACKLOG_FACTOR = 10


def consumer_id() -> str:
    """This process as the consumers' tables name it: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


# --- Leases ----------------------------------------------------------------------------------------


def claim(session: Session, check_id: int, owner: str, lease_seconds: float, force: bool = False) -> bool:
    """Take the check's render lease unless someone holds a live one; count the attempt.

    Only a `new` check is claimed, unless `force` (a re-render of any status). True when taken.
    """
    now = utcnow()
    conditions = [Check.id == check_id, or_(Check.lease_until.is_(None), Check.lease_until < now)]
    if not force:
        conditions.append(Check.status == CheckStatus.NEW)
    with write_transaction(session):
        result = session.execute(update(Check).where(*conditions).values(
            lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Check.attempts + 1, failed_at=None,
        ))
    return result.rowcount == 1


def release(session: Session, check_id: int, owner: str, **values) -> None:
    """Let go of the check's lease (if still ours) and record the outcome's values."""
    with write_transaction(session):
        session.execute(update(Check).where(Check.id == check_id).values(**values))
        session.execute(update(Check).where(Check.id == check_id, Check.lease_owner == owner)
                        .values(lease_owner=None, lease_until=None))


def renew_leases(session: Session, owner: str, lease_seconds: float) -> int:
    """Extend every lease this consumer holds: its renders are still running."""
    with write_transaction(session):
        result = session.execute(
            update(Check).where(Check.lease_owner == owner, Check.lease_until.is_not(None))
            .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        )
    return result.rowcount


# --- Lost checks -----------------------------------------------------------------------------------


def _lost(now: datetime, requeue_after: float):
    """A new check, not given up, whose lease ran out, or unheld with no task queued lately."""
    return and_(
        Check.status == CheckStatus.NEW,
        Check.failed_at.is_(None),
        or_(
            Check.lease_until < now,
            and_(Check.lease_until.is_(None),
                 or_(Check.queued_at.is_(None), Check.queued_at < now - timedelta(seconds=requeue_after))),
        ),
    )


def requeue_lost(session: Session, enqueue: Callable[[int], object], *, requeue_after: float,
                 max_attempts: int, backlog: bool = False, limit: int = 500) -> tuple[int, int]:
    """Queue the lost checks' renders again, or mark failed those that had their attempts; (queued, failed).

    `backlog`: the queue holds tasks, so wait BACKLOG_FACTOR times longer for a queued one.
    """
    now = utcnow()
    lost = _lost(now, requeue_after * (BACKLOG_FACTOR if backlog else 1))
    rows = session.execute(select(Check.id, Check.attempts).where(lost).order_by(Check.id).limit(limit)).all()
    session.rollback()
    queued = failed = 0
    for check_id, attempts in rows:
        giving_up = attempts >= max_attempts
        values = (
            {"failed_at": now, "last_error": func.coalesce(Check.last_error, GAVE_UP.format(n=attempts))}
            if giving_up else {"queued_at": now}
        )
        with write_transaction(session):
            # The same condition again: another consumer's sweep may have taken the check meanwhile.
            result = session.execute(update(Check).where(Check.id == check_id, lost)
                                     .values(lease_owner=None, lease_until=None, **values))
        if result.rowcount != 1:
            continue
        if giving_up:
            failed += 1
            log.warning("check %s failed: %s", check_id, GAVE_UP.format(n=attempts))
            continue
        try:
            enqueue(check_id)
        except Exception:  # the broker is down: try again at the next beat
            log.exception("could not queue the lost check %s again", check_id)
            mark_unqueued(session, [check_id])
            break
        queued += 1
    if queued:
        log.info("queued %s lost checks again", queued)
    return queued, failed


def mark_unqueued(session: Session, check_ids: list[int]) -> None:
    """Record that these checks' tasks could not be queued: the next sweep queues them at once."""
    with write_transaction(session):
        session.execute(update(Check).where(Check.id.in_(check_ids)).values(queued_at=None))


# --- Heartbeats and lost task runs --------------------------------------------------------------------


def beat(session: Session, me: str, started_at: datetime) -> None:
    """Record that this consumer is alive now."""
    now = utcnow()
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    with write_transaction(session):
        session.execute(insert(ConsumerBeat).values(id=me, started_at=started_at, beat_at=now)
                        .on_conflict_do_update(index_elements=["id"], set_={"beat_at": now}))


def last_beat(session: Session) -> datetime | None:
    """When any consumer was last heard from."""
    return session.scalar(select(func.max(ConsumerBeat.beat_at)))


def mark_lost_runs(session: Session, silence: float) -> int:
    """Mark `lost` the runs still `executing` on a consumer silent for `silence` seconds."""
    now = utcnow()
    cutoff = now - timedelta(seconds=silence)
    alive = select(ConsumerBeat.id).where(ConsumerBeat.beat_at >= cutoff)
    with write_transaction(session):
        result = session.execute(
            update(TaskRun)
            .where(TaskRun.status == EXECUTING, TaskRun.worker.is_not(None), TaskRun.started_at < cutoff,
                   TaskRun.worker.not_in(alive))
            .values(status=LOST, finished_at=now, error=LOST_RUN)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount


def forget_gone_consumers(session: Session) -> None:
    """Delete the beats of consumers silent for a day."""
    with write_transaction(session):
        session.execute(delete(ConsumerBeat).where(ConsumerBeat.beat_at < utcnow() - _FORGET_AFTER))
