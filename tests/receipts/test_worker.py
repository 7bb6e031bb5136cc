"""The PDF task: renders a new check once, records attempts and failures, retries, never serialises."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from delivery.models import Check
from delivery.printing import INSTALL_HINT
from delivery.queue import huey
from delivery.tasks import render_check


@pytest.fixture
def new_checks(client, printers, order, monkeypatch):
    """Order 123456's two checks, still new: their tasks were not run."""
    with monkeypatch.context() as patch:
        patch.setattr("delivery.tasks.render_check", lambda check_id: None)
        assert client.post("/create_checks/", json=order).status_code == 200
    return printers


def test_task_renders_the_file_by_order_and_type(app, new_checks, fake_pdf):
    assert render_check.call_local(2) == "rendered"
    check = new_checks.get(Check, 2)
    new_checks.refresh(check)
    assert (check.status, check.pdf_file, check.attempts, check.last_error) == (
        "rendered", "pdf/123456_client.pdf", 1, None)
    assert check.rendered_at is not None
    assert Path(app.config["MEDIA_ROOT"], "pdf", "123456_client.pdf").exists()
    html, target = fake_pdf[0]
    assert target.name == "123456_client.pdf"
    assert "Иван" in html and "Вкусная пицца" in html


def test_a_rendered_or_printed_check_is_not_rendered_again(client, new_checks, fake_pdf):
    assert render_check.call_local(1) == "rendered"
    assert render_check.call_local(1) == "skipped"
    assert client.get("/check/?api_key=key1&check_id=1").status_code == 200
    assert render_check.call_local(1) == "skipped"
    assert len(fake_pdf) == 1
    assert render_check.call_local(999) == "missing"


def test_forced_render_keeps_a_printed_check_printed(client, new_checks, fake_pdf):
    render_check.call_local(1)
    client.get("/check/?api_key=key1&check_id=1")
    assert render_check.call_local(1, force=True) == "rendered"
    new_checks.expire_all()
    assert new_checks.get(Check, 1).status == "printed"
    assert len(fake_pdf) == 2


def test_without_wkhtmltopdf_the_check_stays_new_with_the_hint(app, new_checks, monkeypatch):
    monkeypatch.setitem(app.config, "WKHTMLTOPDF", "/nonexistent/wkhtmltopdf")
    monkeypatch.setattr("delivery.printing.shutil.which", lambda name: None)
    assert render_check.call_local(1) == "unavailable"
    new_checks.expire_all()
    check = new_checks.get(Check, 1)
    assert (check.status, check.attempts, check.last_error) == ("new", 1, INSTALL_HINT)
    assert check.failed and check.lease_owner is None  # no retry fixes it: failed at once, shown so


def test_a_failure_is_recorded_and_retried(app, new_checks, monkeypatch):
    def crash(html, target, binary):
        raise OSError("wkhtmltopdf crashed")

    monkeypatch.setattr("delivery.printing.html_to_pdf", crash)
    assert render_check.retries == 3 and render_check.retry_delay > 0
    result = render_check(1)  # immediate mode: runs now, and the retry is scheduled
    with pytest.raises(Exception):
        result.get()
    new_checks.expire_all()
    check = new_checks.get(Check, 1)
    assert (check.status, check.attempts) == ("new", 1)
    assert "wkhtmltopdf crashed" in check.last_error
    assert not check.failed and check.lease_owner is None  # retries left: not failed yet, lease let go
    retries = [t for t in huey.scheduled() if t.name == "render_check" and t.args == (1,)]
    assert retries and retries[0].retries == 2
    huey.flush()


def test_renders_run_concurrently(app, new_checks, monkeypatch):
    """Two tasks must be inside wkhtmltopdf at the same time: a global lock would break the barrier."""
    barrier = threading.Barrier(2, timeout=20)

    def render(html, target, binary):
        barrier.wait()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4\n")
        return target

    monkeypatch.setattr("delivery.printing.html_to_pdf", render)
    results, errors = [], []

    def worker(check_id):
        try:
            with app.app_context():  # as a consumer thread: its own context and session
                results.append(render_check.call_local(check_id))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and sorted(results) == ["rendered", "rendered"]
    assert set(new_checks.scalars(select(Check.status))) == {"rendered"}


def test_requeue_command_queues_stuck_checks(runner, new_checks, fake_pdf):
    result = runner.invoke(args=["checks", "requeue"])
    assert result.exit_code == 0, result.output
    assert "queued 2" in result.output
    new_checks.expire_all()
    assert set(new_checks.scalars(select(Check.status))) == {"rendered"}
    assert "queued 0" in runner.invoke(args=["checks", "requeue"]).output


def test_requeue_one_check_renders_it_again(runner, new_checks, fake_pdf):
    render_check.call_local(1)
    assert runner.invoke(args=["checks", "requeue", "--check-id", "1"]).exit_code == 0
    assert len(fake_pdf) == 2
    missing = runner.invoke(args=["checks", "requeue", "--check-id", "42"])
    assert missing.exit_code != 0 and "no check 42" in missing.output
