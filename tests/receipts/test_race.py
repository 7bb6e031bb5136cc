"""Concurrent posts of one order make one set of checks; the unique constraint decides the losers.

Threads share the app, each with its own test client, request context and database session, as
gunicorn threads do. Runs on SQLite (BEGIN IMMEDIATE queues the writers) and on PostgreSQL (the
writers really overlap, and the second insert of a (printer, order) pair waits for the first).
"""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from delivery.models import Check

POSTS = 8


def post_concurrently(app, order, n=POSTS):
    barrier = threading.Barrier(n, timeout=30)
    answers, errors = [], []

    def post():
        client = app.test_client()
        try:
            barrier.wait()
            response = client.post("/create_checks/", json=order)
            answers.append((response.status_code, response.get_json()))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=post) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert not any(thread.is_alive() for thread in threads)
    return answers


def assert_one_set(session, answers):
    assert sorted(code for code, _ in answers) == [200] + [400] * (POSTS - 1)
    assert {body["error"] for code, body in answers if code == 400} == {"Для данного заказа уже созданы чеки"}
    session.expire_all()
    rows = session.execute(select(Check.printer_id, func.count()).group_by(Check.printer_id)).all()
    assert sorted(rows) == [(1, 1), (2, 1)]


def test_concurrent_posts_of_one_order_make_one_set(app, printers, order, fake_pdf):
    assert_one_set(printers, post_concurrently(app, order))


def test_the_unique_constraint_decides_when_every_post_passes_the_precheck(app, printers, order, fake_pdf,
                                                                           monkeypatch):
    """Every post sees no checks (as when they all read before any commits): only the constraint is left."""
    monkeypatch.setattr("delivery.services.receipts.order_has_checks", lambda session, order_id: False)
    assert_one_set(printers, post_concurrently(app, order))


def test_different_orders_at_once_all_succeed(app, printers, order, fake_pdf):
    answers = []

    def post(order_id):
        answers.append(app.test_client().post("/create_checks/", json={**order, "id": order_id}).status_code)

    threads = [threading.Thread(target=post, args=(1000 + i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [200] * 3
    assert printers.scalar(select(func.count()).select_from(Check)) == 6


def test_concurrent_posts_of_one_order_at_different_points_make_one_set(app, printers, order, fake_pdf):
    """The unique pair (printer, order) cannot see these clash; the order id lock does."""
    barrier = threading.Barrier(2, timeout=30)
    answers = []

    def post(point):
        client = app.test_client()
        barrier.wait()
        response = client.post("/create_checks/", json={**order, "point_id": point})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post, args=(point,)) for point in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(code for code, _ in answers) == [200, 400]
    assert printers.scalar(select(func.count()).select_from(Check)) == 2
