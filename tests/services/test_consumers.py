"""The queue side's bookkeeping on the real database: render leases, the sweep that queues lost checks
again (or gives up on them), consumers' heartbeats and the task runs of consumers that went silent."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from delivery.domain.receipts import CheckStatus
from delivery.domain.task_status import EXECUTING, LOST
from delivery.models import Check, ConsumerBeat, Printer, TaskRun
from delivery.services import consumers
from delivery.services.clock import utcnow
from delivery.services.tx import write_transaction

ME, OTHER = "host:1", "host:2"


@pytest.fixture
def checks(session):
    """Four new checks of one printer; their ids."""
    with write_transaction(session):
        printer = Printer(name="Kitchen", api_key="k" * 20, check_type="kitchen", point_id=1)
        session.add(printer)
        session.flush()
        made = [Check(printer_id=printer.id, type="kitchen", order={"id": n}, order_id=n) for n in range(1, 5)]
        session.add_all(made)
    return [check.id for check in made]


def _set(session, check_id, **values) -> None:
    with write_transaction(session):
        session.execute(update(Check).where(Check.id == check_id).values(**values))


def _check(session, check_id) -> Check:
    session.expire_all()
    return session.get(Check, check_id)


def test_claim_takes_a_free_lease_once_and_counts_the_attempt(session, checks):
    one = checks[0]
    assert consumers.claim(session, one, ME, lease_seconds=60)
    check = _check(session, one)
    assert (check.lease_owner, check.attempts) == (ME, 1) and check.lease_until > utcnow()
    assert not consumers.claim(session, one, OTHER, lease_seconds=60)  # a live lease is someone's
    assert _check(session, one).lease_owner == ME


def test_an_expired_lease_is_taken_and_only_a_new_check_unless_forced(session, checks):
    one, two = checks[:2]
    assert consumers.claim(session, one, ME, lease_seconds=-1)  # ran out at once: its consumer died
    assert consumers.claim(session, one, OTHER, lease_seconds=60)
    assert (_check(session, one).lease_owner, _check(session, one).attempts) == (OTHER, 2)
    _set(session, two, status=CheckStatus.PRINTED.value)
    assert not consumers.claim(session, two, ME, lease_seconds=60)
    assert consumers.claim(session, two, ME, lease_seconds=60, force=True)  # a re-render of a printed one


def test_release_records_the_outcome_and_lets_go_only_of_its_own_lease(session, checks):
    one = checks[0]
    consumers.claim(session, one, ME, lease_seconds=60)
    consumers.release(session, one, OTHER, last_error="late answer")
    check = _check(session, one)
    assert (check.last_error, check.lease_owner) == ("late answer", ME)
    consumers.release(session, one, ME, last_error=None)
    check = _check(session, one)
    assert (check.last_error, check.lease_owner, check.lease_until) == (None, None, None)


def test_renew_extends_only_this_consumers_leases(session, checks):
    one, two, three = checks[:3]
    consumers.claim(session, one, ME, lease_seconds=5)
    consumers.claim(session, two, ME, lease_seconds=5)
    consumers.claim(session, three, OTHER, lease_seconds=5)
    before = _check(session, three).lease_until
    assert consumers.renew_leases(session, ME, lease_seconds=600) == 2
    assert _check(session, one).lease_until > utcnow() + timedelta(seconds=500)
    assert _check(session, three).lease_until == before


def test_the_sweep_queues_lost_checks_again_and_gives_up_after_the_attempts(session, checks):
    never_queued, long_queued, recent, tired = checks
    now = utcnow()
    _set(session, long_queued, queued_at=now - timedelta(seconds=120))
    _set(session, recent, queued_at=now - timedelta(seconds=10))  # still waiting in the queue
    _set(session, tired, attempts=3)
    queued: list[int] = []
    assert consumers.requeue_lost(session, queued.append, requeue_after=60, max_attempts=3) == (2, 1)
    assert queued == [never_queued, long_queued]
    assert _check(session, never_queued).queued_at is not None
    given_up = _check(session, tired)
    assert given_up.failed and given_up.last_error == consumers.GAVE_UP.format(n=3)
    # Once queued, or given up, a check is no longer lost.
    assert consumers.requeue_lost(session, queued.append, requeue_after=60, max_attempts=3) == (0, 0)


def test_with_a_backlog_the_sweep_waits_longer_and_a_live_lease_is_never_lost(session, checks):
    queued_long_ago, held = checks[:2]
    for check_id in checks[2:]:
        _set(session, check_id, queued_at=utcnow())
    _set(session, queued_long_ago, queued_at=utcnow() - timedelta(seconds=120))
    consumers.claim(session, held, ME, lease_seconds=60)
    queued: list[int] = []
    assert consumers.requeue_lost(session, queued.append, requeue_after=60, max_attempts=3, backlog=True) == (0, 0)
    assert consumers.requeue_lost(session, queued.append, requeue_after=60, max_attempts=3) == (1, 0)
    assert queued == [queued_long_ago]


def test_a_broker_down_leaves_the_check_for_the_next_sweep_at_once(session, checks):
    def down(check_id):
        raise ConnectionError("Redis refused")

    assert consumers.requeue_lost(session, down, requeue_after=60, max_attempts=3) == (0, 0)
    # The first one was tried: its queued_at stays empty, so the next sweep queues it without waiting.
    assert _check(session, checks[0]).queued_at is None
    queued: list[int] = []
    assert consumers.requeue_lost(session, queued.append, requeue_after=60, max_attempts=3) == (4, 0)


def test_beat_records_each_consumer_once_and_the_last_beat_is_the_latest(session):
    assert consumers.last_beat(session) is None
    started = utcnow() - timedelta(minutes=5)
    consumers.beat(session, ME, started)
    first = consumers.last_beat(session)
    consumers.beat(session, ME, started)
    consumers.beat(session, OTHER, started)
    session.expire_all()
    beats = session.scalars(select(ConsumerBeat).order_by(ConsumerBeat.id)).all()
    assert [b.id for b in beats] == [ME, OTHER] and beats[0].started_at == started
    assert consumers.last_beat(session) >= first


def test_forget_gone_consumers_deletes_beats_a_day_old(session):
    now = utcnow()
    with write_transaction(session):
        session.add_all([ConsumerBeat(id=ME, started_at=now, beat_at=now),
                         ConsumerBeat(id=OTHER, started_at=now, beat_at=now - timedelta(days=2))])
    consumers.forget_gone_consumers(session)
    assert session.scalars(select(ConsumerBeat.id)).all() == [ME]


def test_runs_executing_on_a_silent_consumer_are_marked_lost(session):
    now = utcnow()
    long_ago = now - timedelta(minutes=10)
    with write_transaction(session):
        session.add_all([
            ConsumerBeat(id=ME, started_at=long_ago, beat_at=now),
            ConsumerBeat(id=OTHER, started_at=long_ago, beat_at=now - timedelta(minutes=5)),
            TaskRun(task_id="alive", name="t", status=EXECUTING, worker=ME, started_at=long_ago),
            TaskRun(task_id="silent", name="t", status=EXECUTING, worker=OTHER, started_at=long_ago),
            TaskRun(task_id="just-started", name="t", status=EXECUTING, worker=OTHER, started_at=now),
            TaskRun(task_id="immediate", name="t", status=EXECUTING, worker=None, started_at=long_ago),
            TaskRun(task_id="done", name="t", status="complete", worker=OTHER, started_at=long_ago),
        ])
    assert consumers.mark_lost_runs(session, silence=60) == 1
    session.expire_all()
    statuses = dict(session.execute(select(TaskRun.task_id, TaskRun.status)).all())
    assert statuses == {"alive": EXECUTING, "silent": LOST, "just-started": EXECUTING, "immediate": EXECUTING,
                        "done": "complete"}
    lost = session.scalar(select(TaskRun).where(TaskRun.task_id == "silent"))
    assert lost.error == consumers.LOST_RUN and lost.finished_at is not None
