"""Words the pages show for stored codes (statuses, courier and check types) and for the
services' English messages, in the page's language. The codes themselves never change: the APIs
and the filters' URLs keep using them."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import (BadRequest, Forbidden, InternalServerError, MethodNotAllowed, NotFound,
                                 RequestEntityTooLarge)

from delivery.domain.courier_types import CourierType
from delivery.domain.intervals import format_minute
from delivery.domain.order_status import OrderStatus

STATUSES = {
    # orders
    OrderStatus.NEW.value: _l("new"), OrderStatus.WAITING.value: _l("waiting"),
    OrderStatus.ASSIGNED.value: _l("assigned"), OrderStatus.COMPLETED.value: _l("completed"),
    OrderStatus.CANCELLED.value: _l("cancelled"),
    # checks
    "rendered": _l("rendered"), "printed": _l("printed"), "failed": _l("failed"),
    # background tasks
    "enqueued": _l("enqueued"), "scheduled": _l("scheduled"), "executing": _l("executing"),
    "complete": _l("complete"), "retrying": _l("retrying"), "error": _l("error"), "retried": _l("retried"),
    "expired": _l("expired"), "revoked": _l("revoked"), "lost": _l("lost"),
}

# The types themselves are domain.courier_types' table; here only their names on the pages.
COURIER_TYPES = {CourierType.FOOT: _l("On foot"), CourierType.BIKE: _l("Bike"), CourierType.AUTO: _l("Car")}
CHECK_TYPES = {"kitchen": _l("Kitchen"), "client": _l("Client")}

# The services answer in English (the APIs' contracts); the pages say the same in their language.
_MESSAGES = [
    (r"No free courier in district (?P<district>.+)", _l("No free courier in district %(district)s")),
    (r"Order not found", _l("Order not found")),
    (r"Order already completed", _l("Order already completed")),
    (r"Order is not assigned to a courier", _l("Order is not assigned to a courier")),
    (r"Only a waiting order can be cancelled", _l("Only a waiting order can be cancelled")),
    (r"Courier not found", _l("Courier not found")),
    (r"No order (?P<id>\d+)", _l("No order %(id)s")),
    (r"No check (?P<id>\d+)", _l("No check %(id)s")),
    (r"No courier (?P<id>\d+)", _l("No courier %(id)s")),
    (r"Check (?P<id>\d+) has no PDF yet", _l("Check %(id)s has no PDF yet")),
    (r"The PDF of check (?P<id>\d+) is missing", _l("The PDF of check %(id)s is missing")),
    (r"No such task", _l("No such task")),
    (r"Task (?P<task>\S+) has not failed", _l("Task %(task)s has not failed")),
    (r"Task (?P<task>\S+) is not known to this app", _l("Task %(task)s is not known to this app")),
    (r"a courier serves at least one district", _l("a courier serves at least one district")),
    (r"unknown district ids: (?P<ids>.+)", _l("unknown district ids: %(ids)s")),
    (r"not an HH:MM-HH:MM interval: (?P<text>.+)", _l("not an HH:MM-HH:MM interval: %(text)s")),
    (r"an interval must start before it ends: (?P<text>.+)", _l("an interval must start before it ends: %(text)s")),
    (r"Not planned yet: plan this day to assign it\.", _l("Not planned yet: plan this day to assign it.")),
    (r"No courier serves region (?P<region>\S+)\.", _l("No courier serves region %(region)s.")),
    (r"Too heavy: (?P<weight>\S+) kg, but couriers of region (?P<region>\S+) carry at most (?P<max>\S+) kg\.",
     _l("Too heavy: %(weight)s kg, but couriers of region %(region)s carry at most %(max)s kg.")),
    (r"Its delivery hours meet no working hours of a courier who could carry it\.",
     _l("Its delivery hours meet no working hours of a courier who could carry it.")),
    (r"No capacity left: the couriers who could take it are full at those hours\.",
     _l("No capacity left: the couriers who could take it are full at those hours.")),
    (r"The task queue cannot be reached; try again in a moment\.",
     _l("The task queue cannot be reached; try again in a moment.")),
    (r"the file is not UTF-8 text", _l("the file is not UTF-8 text")),
    (r"not valid JSON: (?P<detail>.+)", _l("not valid JSON: %(detail)s")),
    (r"the CSV header lacks (?P<columns>.+)", _l("the CSV header lacks %(columns)s")),
    (r"at most (?P<n>\d+) rows at a time", _l("at most %(n)s rows at a time")),
    (r"a row must be an object", _l("a row must be an object")),
    (r"(?P<what>\w+) is missing", _l("%(what)s is missing")),
    (r"(?P<what>\w+) is empty", _l("%(what)s is empty")),
    (r"(?P<what>\w+) must be a whole number, not (?P<value>.+)", _l("%(what)s must be a whole number, not %(value)s")),
    (r"(?P<what>\w+) must be a whole number", _l("%(what)s must be a whole number")),
    (r"(?P<what>\w+): (?P<value>.+) is not an HH:MM-HH:MM interval",
     _l("%(what)s: %(value)s is not an HH:MM-HH:MM interval")),
    (r"(?P<what>\w+): (?P<value>.+) must start before it ends \(same day\)",
     _l("%(what)s: %(value)s must start before it ends (same day)")),
    (r"courier_type must be FOOT, BIKE or AUTO, not (?P<value>.+)",
     _l("courier_type must be FOOT, BIKE or AUTO, not %(value)s")),
    (r"regions must be one or more positive numbers", _l("regions must be one or more positive numbers")),
    (r"weight must be a number, not (?P<value>.+)", _l("weight must be a number, not %(value)s")),
    (r"weight must be above 0", _l("weight must be above 0")),
    (r"regions must be positive and cost not negative", _l("regions must be positive and cost not negative")),
    (r"district (?P<ids>.+) does not exist: create it first",
     _l("district %(ids)s does not exist: create it first")),
    (r"not stored: (?P<error>\w+)", _l("not stored: %(error)s")),
]
# The error page's messages (werkzeug's descriptions and Flask-WTF's CSRF refusals), said shorter.
_MESSAGES += [
    (re.escape(NotFound.description), _l("There is no such page here. If you typed the address, check its spelling.")),
    (re.escape(MethodNotAllowed.description), _l("This address does not take that kind of request.")),
    (re.escape(InternalServerError.description), _l("Something went wrong on the server. Try again in a moment.")),
    (re.escape(Forbidden.description), _l("You may not open this page.")),
    (re.escape(RequestEntityTooLarge.description), _l("The file is too large.")),
    (re.escape(BadRequest.description), _l("The server could not understand this request.")),
    (r"The CSRF .*", _l("The form expired or came from elsewhere: reload the page and try again.")),
]
_COMPILED = [(re.compile(pattern), text) for pattern, text in _MESSAGES]


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
    for pattern, translated in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return translated % match.groupdict() if match.groupdict() else str(translated)
    return text


def next_trip(trip: tuple | None) -> str:
    """ "next trip at 10:36" (today) or "next trip on 1 Dec at 10:36"; empty without one."""
    if not trip:
        return ""
    day, minute = trip
    at = format_minute(minute)
    if day == date.today():  # the trips' wall clock, as services.availability
        return str(_l("next trip at %(time)s", time=at))
    return str(_l("next trip on %(day)s at %(time)s", day=format_date(day, "d MMM"), time=at))
