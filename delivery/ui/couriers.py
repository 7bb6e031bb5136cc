"""Couriers: the filtered table, the create and edit forms, and the courier card."""
from __future__ import annotations

from datetime import date, timedelta

from flask import redirect, request, url_for
from htmx_flask import make_response
from webargs.flaskparser import use_args

from delivery.domain.errors import DomainError
from delivery.errors import status_of
from delivery.extensions import db
from delivery.services import availability, couriers as courier_service
from delivery.services.read_models import courier_card as courier_card_model
from delivery.services.read_models import lists
from delivery.ui import bp, labels
from delivery.ui.filters import CardDays, CourierTable
from delivery.ui.forms import CourierForm, split_intervals
from delivery.ui.render import page, wants_fragment


_TABLE = CourierTable()


@bp.get("/ui/couriers")
@use_args(_TABLE, location="query")
def couriers(args):
    """List couriers, filtered by name or id, type, district and free/busy, a page at a time."""
    result, filters = _TABLE.rows(lists.couriers, args)
    ids = [c.id for c in result.items]
    busy = lists.busy_courier_ids(db.session(), ids)
    next_trips = availability.next_trips(db.session(), ids, availability.local_now())
    return page(
        "ui/couriers.html", "ui/_couriers_table.html", result=result, filters=filters,
        busy=busy, next_trips=next_trips, districts=lists.districts(db.session()),
    )


def _form(courier=None) -> CourierForm:
    form = CourierForm(obj=None)
    form.districts.choices = [(d.id, d.name) for d in lists.districts(db.session())]
    if courier is not None and request.method == "GET":
        form.name.data = courier.name or ""
        form.type.data = courier.type
        form.districts.data = list(dict.fromkeys(courier.region_ids))
        form.working_hours.data = ", ".join(courier.working_hours)
    return form


def _saved(courier_id: int):
    target = url_for("ui.courier_card", courier_id=courier_id)
    if wants_fragment():
        # htmx swaps only the form; a saved courier is a new page, so navigate like a redirect would.
        return make_response("", redirect=target)
    return redirect(target)


def _form_page(form: CourierForm, courier=None, error: str | None = None, status: int = 200):
    return page(
        "ui/courier_form.html", "ui/_courier_form.html", form=form, courier=courier, error=error
    ), status


@bp.route("/ui/couriers/new", methods=["GET", "POST"])
def courier_new():
    """Register a courier with its name, type, districts and working hours."""
    form = _form()
    if not form.validate_on_submit():
        return _form_page(form, status=422 if request.method == "POST" else 200)
    try:
        courier = courier_service.register_profile(db.session(), _profile(form))
    except DomainError as error:
        return _form_page(form, error=labels.message(error.message), status=status_of(error))
    return _saved(courier.id)


def _profile(form) -> courier_service.Profile:
    """The profile a valid courier form gives."""
    return courier_service.Profile(
        name=form.name.data,
        courier_type=form.type.data,
        district_ids=list(dict.fromkeys([*form.districts.data, *form.named_ids])),
        new_district_names=form.to_create,
        working_hours=split_intervals(form.working_hours.data),
    )


@bp.route("/ui/couriers/<int:courier_id>/edit", methods=["GET", "POST"])
def courier_edit(courier_id: int):
    """Edit a courier's name, type, districts and working hours."""
    courier = courier_service.get_courier(db.session(), courier_id)
    form = _form(courier)
    if not form.validate_on_submit():
        return _form_page(form, courier, status=422 if request.method == "POST" else 200)
    try:
        courier_service.update_courier(db.session(), courier_id, _profile(form))
    except DomainError as error:
        return _form_page(form, courier, error=labels.message(error.message), status=status_of(error))
    return _saved(courier_id)


@bp.get("/ui/couriers/<int:courier_id>")
@use_args(CardDays(), location="query")
def courier_card(args, courier_id: int):
    """Show a courier's card: active order, statistics, earnings and rating, and the day's trips."""
    today = date.today()
    start = args["start"] or today - timedelta(days=7)
    end = args["end"] or today + timedelta(days=1)
    day = args["day"] or today
    card = courier_card_model.card(db.session(), courier_id, start=start, end=end, day=day)
    return page("ui/courier_card.html", "ui/_courier_card.html", card=card)
