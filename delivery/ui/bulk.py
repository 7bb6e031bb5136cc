"""Bulk actions of the pages' tables: one action on every ticked row, and one answer for them all."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_babel import ngettext
from htmx_flask import make_response
from markupsafe import escape
from sqlalchemy.orm import Session

from delivery.domain.errors import DomainError
from delivery.extensions import db
from delivery.ui import labels
from delivery.ui.render import wants_fragment

MAX_ROWS = 200  # ticked rows at once: a page shows 20


def selected_ids() -> list[int]:
    """The ticked rows' ids, in the order shown, without repeats or junk."""
    return list(dict.fromkeys(int(v) for v in request.form.getlist("ids") if v.isdigit()))[:MAX_ROWS]


def run_bulk(act: Callable[[Session, int], object], done_text: Callable[[int], str], none_text: str, trigger: str):
    """Run the service `act(session, row id)` on each ticked row; say how many went through, and which
    did not and why.

    Each row is its own transaction (one row refused does not undo the others); the table is told
    to refresh (`trigger`) when any row changed.
    """
    done, failures = 0, []
    for row_id in selected_ids():
        try:
            act(db.session(), row_id)
            done += 1
        except DomainError as error:
            failures.append(f"{row_id}: {labels.message(error.message)}")
    parts = [done_text(done) if done else ("" if failures else none_text)]
    if failures:
        parts.append(ngettext("%(num)s could not: %(why)s", "%(num)s could not: %(why)s", len(failures),
                              why="; ".join(failures)))
    text = " ".join(part for part in parts if part)
    if not wants_fragment():
        flash(text)
        return redirect(request.referrer or url_for("ui.home"))
    role, css = ("alert", "error") if failures else ("status", "flash")
    return make_response(f'<span role="{role}" class="{css}">{escape(text)}</span>', trigger=trigger if done else None)
