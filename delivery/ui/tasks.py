"""Tasks: the Huey monitor, with queue sizes, recent runs, failures and retry."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from delivery.domain.errors import DomainError
from delivery.errors import status_of
from delivery.extensions import db
from delivery.services import consumers
from delivery.services.read_models import tasks as runs
from delivery.task_runs import queue_sizes, retry
from delivery.ui import bp, labels
from delivery.ui.render import page, wants_fragment


def _overview_page(message: str | None = None, status_code: int = 200):
    status = request.args.get("status", "")
    # Runs still executing on a consumer gone silent show as lost even while no consumer runs to say so.
    consumers.mark_lost_runs(db.session(), current_app.config["CONSUMER_SILENCE_SECONDS"])
    overview = runs.overview(db.session(), queue_sizes, status=status)
    return page(
        "ui/tasks.html", "ui/_tasks_body.html", overview=overview, status=status, message=message
    ), status_code


@bp.get("/ui/tasks")
def tasks():
    """Show queued and scheduled tasks, recent runs with duration and outcome, and failures."""
    return _overview_page()


@bp.post("/ui/tasks/<task_id>/retry")
def task_retry(task_id: str):
    """Queue a failed task again with its arguments."""
    try:
        new_id = retry(db.session(), task_id)
        message, code = _("Queued again as %(id)s.", id=new_id), 200
    except DomainError as error:
        message, code = labels.message(error.message), status_of(error)
    if not wants_fragment():
        flash(message)
        return redirect(url_for("ui.tasks"))
    return _overview_page(message, code)
