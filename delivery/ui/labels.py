"""Words the pages show for stored codes (statuses, courier and check types) and for the
services' English messages, in the page's language. The codes themselves never change: the APIs
and the filters' URLs keep using them."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import (BadRequest, Forbidden, InternalServerError, MethodNotAllowed, NotFound,
                                 RequestEntityTooLarge)

from delivery.domain import task_status
from delivery.domain.courier_types import CourierType
from delivery.domain.intervals import format_minute
from delivery.domain.order_status import OrderStatus
from delivery.domain.receipts import FAILED as CHECK_FAILED
from delivery.domain.receipts import CheckStatus

STATUSES = {
    # orders
    OrderStatus.NEW.value: _l("new"), OrderStatus.WAITING.value: _l("waiting"),
    OrderStatus.ASSIGNED.value: _l("assigned"), OrderStatus.COMPLETED.value: _l("completed"),
    OrderStatus.CANCELLED.value: _l("cancelled"),
    # checks
    CheckStatus.RENDERED.value: _l("rendered"), CheckStatus.PRINTED.value: _l("printed"),
    CHECK_FAILED: _l("failed"),
    # background tasks
    task_status.ENQUEUED: _l("enqueued"), task_status.SCHEDULED: _l("scheduled"),
    task_status.EXECUTING: _l("executing"), "complete": _l("complete"), task_status.RETRYING: _l("retrying"),
    "error": _l("error"), task_status.RETRIED: _l("retried"), "expired": _l("expired"), "revoked": _l("revoked"),
    task_status.LOST: _l("lost"),
}

# The types themselves are domain.courier_types' table; here only their names on the pages.
COURIER_TYPES = {CourierType.FOOT: _l("On foot"), CourierType.BIKE: _l("Bike"), CourierType.AUTO: _l("Car")}
CHECK_TYPES = {"kitchen": _l("Kitchen"), "client": _l("Client")}


def N_(msgid: str) -> str:
    """Marks an English template for `pybabel extract` (N_ is one of its default keywords) and leaves
    it as it is: message() translates it when a page shows it."""
    return msgid


# The services answer in English (the APIs' contracts); the pages say the same in their language.
# Each message once, as its template: message() finds the first whose text, each %(name)s standing
# for a value, is the whole message; so a longer message stands before a shorter one it begins with.
MESSAGES = [
    N_("No free courier in district %(district)s"), N_("Order not found"), N_("Order already completed"),
    N_("Order is not assigned to a courier"), N_("Only a waiting order can be cancelled"), N_("Courier not found"),
    N_("No order %(id)s"), N_("No check %(id)s"), N_("No courier %(id)s"), N_("Check %(id)s has no PDF yet"),
    N_("The PDF of check %(id)s is missing"), N_("No such task"), N_("Task %(task)s has not failed"),
    N_("Task %(task)s is not known to this app"), N_("The task queue cannot be reached; try again in a moment."),
    N_("a courier serves at least one district"), N_("unknown district ids: %(ids)s"),
    N_("not an HH:MM-HH:MM interval: %(text)s"), N_("an interval must start before it ends: %(text)s"),
    N_("Not planned yet: plan this day to assign it."), N_("No courier serves region %(region)s."),
    N_("Too heavy: %(weight)s kg, but couriers of region %(region)s carry at most %(max)s kg."),
    N_("Its delivery hours meet no working hours of a courier who could carry it."),
    N_("No capacity left: the couriers who could take it are full at those hours."),
    N_("the file is not UTF-8 text"), N_("not valid JSON: %(detail)s"), N_("the CSV header lacks %(columns)s"),
    N_("at most %(n)s rows at a time"), N_("a row must be an object"), N_("%(what)s is missing"),
    N_("%(what)s is empty"), N_("%(what)s must be a whole number, not %(value)s"),
    N_("%(what)s must be a whole number"), N_("%(what)s: %(value)s is not an HH:MM-HH:MM interval"),
    N_("%(what)s: %(value)s must start before it ends (same day)"),
    N_("courier_type must be FOOT, BIKE or AUTO, not %(value)s"),
    N_("regions must be one or more positive numbers"), N_("weight must be a number, not %(value)s"),
    N_("weight must be above 0"), N_("regions must be positive and cost not negative"),
    N_("district %(ids)s does not exist: create it first"), N_("not stored: %(error)s"),
]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# What a placeholder stands for where any text (.+) would be too much: a number, a word, one token.
_PLACEHOLDER_PATTERNS = {"id": r"\d+", "n": r"\d+", "what": r"\w+", "error": r"\w+",
                         "task": r"\S+", "region": r"\S+", "weight": r"\S+", "max": r"\S+"}


def _pattern(template: str) -> re.Pattern:
    """The template's text as it is, each %(name)s a group of that name."""
    pieces = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    pieces[::2] = [re.escape(text) for text in pieces[::2]]
    pieces[1::2] = [f"(?P<{name}>{_PLACEHOLDER_PATTERNS.get(name, '.+')})" for name in pieces[1::2]]
    return re.compile("".join(pieces))


_COMPILED = [(_pattern(template), template) for template in MESSAGES]

# The error page's messages (werkzeug's descriptions and Flask-WTF's CSRF refusals), said shorter.
_ERROR_PAGE = {
    NotFound.description: _l("There is no such page here. If you typed the address, check its spelling."),
    MethodNotAllowed.description: _l("This address does not take that kind of request."),
    InternalServerError.description: _l("Something went wrong on the server. Try again in a moment."),
    Forbidden.description: _l("You may not open this page."),
    RequestEntityTooLarge.description: _l("The file is too large."),
    BadRequest.description: _l("The server could not understand this request."),
}
_CSRF = re.compile(r"The CSRF .*")
_CSRF_TEXT = _l("The form expired or came from elsewhere: reload the page and try again.")


def status_label(code: str | None) -> str:
    return str(STATUSES.get(code or "", code or ""))


def courier_type_label(code: str | None) -> str:
    return str(COURIER_TYPES.get(code or "", code or ""))


def courier_type_choices() -> list[tuple[str, object]]:
    """(code, name) of every courier type, in the table's order: the form's and the filter's choices."""
    return [(courier_type.value, COURIER_TYPES[courier_type]) for courier_type in CourierType]


def check_type_label(code: str | None) -> str:
    return str(CHECK_TYPES.get(code or "", code or ""))


def shown(item) -> str:
    """An order's or courier's name, or its number in the page's language when it has none."""
    from delivery.models import Courier

    if item.name:
        return item.name
    return str(_l("Courier %(id)s", id=item.id) if isinstance(item, Courier) else _l("Order %(id)s", id=item.id))


def message(text: str | None) -> str:
    """A service's English message in the page's language (as it is when no translation fits)."""
    if not text:
        return ""
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return gettext(template, **match.groupdict())
    if text in _ERROR_PAGE:
        return str(_ERROR_PAGE[text])
    return str(_CSRF_TEXT) if _CSRF.fullmatch(text) else text


def next_trip(trip: tuple | None) -> str:
    """ "next trip at 10:36" (today) or "next trip on 1 Dec at 10:36"; empty without one."""
    if not trip:
        return ""
    day, minute = trip
    at = format_minute(minute)
    if day == date.today():  # the trips' wall clock, as services.availability
        return str(_l("next trip at %(time)s", time=at))
    return str(_l("next trip on %(day)s at %(time)s", day=format_date(day, "d MMM"), time=at))
