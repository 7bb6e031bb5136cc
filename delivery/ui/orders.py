"""Orders: the filtered table, live dispatch of a new order, completion, and file imports."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from htmx_flask import make_response
from webargs.flaskparser import use_args

from delivery.domain.errors import DomainError
from delivery.extensions import db
from delivery.services import dispatch
from delivery.services import orders as order_service
from delivery.services.read_models import lists
from delivery.ui import bp, imports, labels
from delivery.ui.bulk import run_bulk
from delivery.ui.filters import OrderTable
from delivery.ui.forms import DispatchForm, ImportForm
from delivery.ui.render import page, wants_fragment

# Tables listen for this event to reload themselves after something changed an order.
ORDERS_CHANGED = "orders-changed"


def _dispatch_form() -> DispatchForm:
    form = DispatchForm()
    form.district.choices = [("", _("Choose…"))] + [(d.name, d.name) for d in lists.districts(db.session())]
    return form


def outcome_text(outcome) -> str:
    """What became of a dispatched order, in the page's language."""
    if outcome.waiting:
        return _("No courier of %(district)s is free: %(order)s waits for the next one.",
                 order=labels.shown(outcome.order), district=outcome.order.district.name)
    if outcome.ok:
        return _("%(order)s went to %(courier)s.", order=labels.shown(outcome.order),
                 courier=labels.shown(outcome.courier))
    return labels.message(outcome.message)


_TABLE = OrderTable()


@bp.get("/ui/orders")
@use_args(_TABLE, location="query")
def orders(args):
    """List orders, filtered by name or id, status, district and day, a page at a time."""
    result, filters = _TABLE.rows(lists.orders, args)
    return page(
        "ui/orders.html", "ui/_orders_table.html", result=result, filters=filters,
        districts=lists.districts(db.session()), form=_dispatch_form(), import_form=ImportForm(),
    )


@bp.post("/ui/orders/dispatch")
def order_dispatch():
    """Dispatch a new order at once to a free courier of its district."""
    form = _dispatch_form()
    outcome = None
    if form.validate_on_submit():
        outcome = dispatch.dispatch_or_wait(
            db.session(), form.name.data.strip(), form.district.data, form.details(), keep_waiting=form.wait.data
        )
        if outcome.ok:
            form.name.data = ""  # ready for the next order; a second click must not repeat this one
    if not wants_fragment():
        if outcome is not None:
            flash(outcome_text(outcome))
        return redirect(url_for("ui.orders"))
    status = 200 if outcome is None or outcome.ok else 409
    response = make_response(
        page("ui/orders.html", "ui/_dispatch_form.html", form=form, outcome=outcome, outcome_text=outcome_text),
        trigger=ORDERS_CHANGED if outcome is not None and outcome.ok else None,
    )
    return response, (422 if form.errors else status)


def _row_action(order_id: int, act, done_message):
    """Run `act(session, order_id)` on one row and answer with that row (or a flash and a redirect)."""
    try:
        order = act(db.session(), order_id)
        message = None
    except DomainError as error:
        order, message = order_service.get_order(db.session(), order_id), error.message
    if not wants_fragment():
        flash(labels.message(message) if message else done_message(order))
        return redirect(request.referrer or url_for("ui.orders"))
    # Only the row changes: reloading the table here would throw away the keyboard focus.
    return page("ui/orders.html", "ui/_order_row.html", o=order, message=message)


@bp.post("/ui/orders/<int:order_id>/complete")
def order_complete(order_id: int):
    """Complete an assigned order; its courier is free again."""
    return _row_action(order_id, order_service.complete_order, lambda o: _("%(order)s completed.", order=labels.shown(o)))


@bp.post("/ui/orders/complete-selected")
def orders_complete_selected():
    """Complete every ticked order; say how many were completed and which could not be, and why."""
    return run_bulk(order_service.complete_order,
                    lambda n: ngettext("%(num)s order completed.", "%(num)s orders completed.", n),
                    _("Tick the orders to complete first."), ORDERS_CHANGED)


@bp.post("/ui/orders/<int:order_id>/cancel")
def order_cancel(order_id: int):
    """Cancel a waiting order; an order assigned meanwhile says so and stays."""
    return _row_action(order_id, order_service.cancel, lambda o: _("%(order)s cancelled.", order=labels.shown(o)))


@bp.route("/ui/orders/import", methods=["GET", "POST"])
def orders_import():
    """Import couriers or orders from a CSV or JSON file, reporting each row that failed."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report = imports.import_file(db.session(), form.kind.data, upload.filename or "", upload.read())
    status = 422 if form.errors else 200
    response = make_response(
        page("ui/import.html", "ui/_import_result.html", import_form=form, report=report),
        trigger=ORDERS_CHANGED if report is not None and report.created else None,
    )
    return response, status
