"""Checks: the filtered table with live statuses, PDF preview and download, re-render."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from htmx_flask import make_response
from webargs.flaskparser import use_args

from delivery.domain.errors import DomainError
from delivery.extensions import db
from delivery.services import receipts
from delivery.services.read_models import lists
from delivery.ui import bp, labels
from delivery.ui.bulk import run_bulk
from delivery.ui.filters import CheckTable
from delivery.ui.render import page, wants_fragment

CHECKS_CHANGED = "checks-changed"


_TABLE = CheckTable()


@bp.get("/ui/checks")
@use_args(_TABLE, location="query")
def checks(args):
    """List checks by id or order id, printer, type and status; the table refreshes while the worker renders."""
    result, filters = _TABLE.rows(lists.checks, args)
    return page("ui/checks.html", "ui/_checks_table.html", result=result, filters=filters,
                printers=lists.printers(db.session()))


@bp.get("/ui/checks/<int:check_id>/pdf")
def check_pdf(check_id: int):
    """Serve a check's PDF: inline for the preview, as an attachment with ?download=1."""
    check, path = receipts.pdf_path(db.session(), check_id, current_app.config["MEDIA_ROOT"])
    return send_file(
        path, mimetype="application/pdf", as_attachment=request.args.get("download") == "1",
        download_name=check.file_name, max_age=0,
    )


@bp.post("/ui/checks/render-selected")
def checks_render_selected():
    """Queue every ticked check for rendering again; say how many, and which could not be, and why."""
    return run_bulk(receipts.rerender,
                    lambda n: ngettext("%(num)s check queued for rendering.", "%(num)s checks queued for rendering.", n),
                    _("Tick the checks to re-render first."), CHECKS_CHANGED)


@bp.post("/ui/checks/<int:check_id>/render")
def check_render(check_id: int):
    """Queue a check for rendering again (a failed or lost PDF)."""
    message = None
    try:
        receipts.rerender(db.session(), check_id)
    except DomainError as error:
        message = error.message
    check = receipts.get_check(db.session(), check_id)
    if not wants_fragment():
        flash(labels.message(message) if message else _("Check %(id)s queued for rendering.", id=check_id))
        return redirect(request.referrer or url_for("ui.checks"))
    notice = None if message else _("Queued for rendering.")
    return make_response(page("ui/checks.html", "ui/_check_row.html", c=check, message=message, notice=notice))
