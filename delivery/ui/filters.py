"""The tables' query strings, read by webargs, and their paging by Flask-SQLAlchemy.

A filter URL is often typed or edited by hand: a value a filter cannot read (an unknown type, a date
that is none, a district id no column holds) filters nothing, as an absent one would, instead of an
error page. Bad text (NUL, lone surrogates) never gets here: `delivery.guards` refuses it first.

The read models build each table's query (`delivery.services.read_models.lists`); paging it is the
page's part (`paginate`, Flask-SQLAlchemy's `db.paginate`). That split keeps the services free of
Flask, since Flask-SQLAlchemy's Pagination belongs to a Flask extension (it reads the request and
aborts with 404), while SQLAlchemy itself has no pagination to offer; and which page of a table to
show is a question of the page anyway.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_sqlalchemy.pagination import Pagination

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import Select

from delivery.domain.courier_types import CourierType
from delivery.domain.order_status import OrderStatus
from delivery.domain.receipts import FAILED as CHECK_FAILED
from delivery.extensions import db
from delivery.jsontext import INT64_MAX
from delivery.models import CHECK_STATUSES, CHECK_TYPES
from delivery.services.read_models import lists

PER_PAGE = 20
# A page no table reaches, yet whose OFFSET still fits the 64-bit clause of both databases.
_FARTHEST_PAGE = INT64_MAX // PER_PAGE


class _Forgiving:
    """A field that reads a value it cannot read as its default, rather than as an error."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        try:
            return super().deserialize(value, attr, data, **kwargs)
        except ValidationError:
            default = self.load_default
            return default() if callable(default) else default


class _Int(_Forgiving, fields.Integer):
    pass


class _Date(_Forgiving, fields.Date):
    pass


class _Enum(_Forgiving, fields.Enum):
    pass


class _String(_Forgiving, fields.String):
    pass


def _id() -> fields.Field:
    """A row id to filter by; one no 64-bit column holds filters nothing."""
    return _Int(load_default=None, validate=validate.Range(min=-INT64_MAX - 1, max=INT64_MAX))


def _one_of(choices, **options) -> fields.Field:
    return _String(load_default=None, validate=validate.OneOf(choices), **options)


class _Query(Schema):
    class Meta:
        unknown = EXCLUDE  # other arguments of the query string are none of this schema's business


class Table(_Query):
    """A table's query string: the page number, the free-text search (`q`) and the table's filters.

    Loaded, the filters are named as the read model's arguments, so `lists.<table>(**filters)` applies them.
    """

    page = _Int(load_default=1, validate=validate.Range(min=1))
    text = fields.String(data_key="q", load_default="", post_load=lists.search_text)

    def rows(self, build: Callable[..., Select], args: dict[str, Any]) -> tuple[Pagination, dict[str, str]]:
        """The page of rows `build(**filters)` selects, and the filters as shown, from the loaded `args`."""
        filters = {name: value for name, value in args.items() if name != "page"}
        return paginate(build(**filters), args["page"]), self.shown(filters)

    def shown(self, filters: dict[str, Any]) -> dict[str, str]:
        """The filters as the filter form and the pager's links carry them: text, "" for none."""
        dumped = self.dump(filters)
        return {name: "" if value is None else str(value) for name, value in dumped.items() if name != "page"}


class CourierTable(Table):
    courier_type = _Enum(CourierType, by_value=True, data_key="type", load_default=None)
    district = _id()
    state = _one_of(lists.STATES)


class OrderTable(Table):
    status = _Enum(OrderStatus, by_value=True, load_default=None)
    district = _id()
    day = _Date(data_key="date", load_default=None)


class CheckTable(Table):
    printer = _id()
    check_type = _one_of(CHECK_TYPES, data_key="type")
    status = _one_of((*CHECK_STATUSES, CHECK_FAILED))


class Day(_Query):
    """A page showing one day (the plan, its runs): `date`, and the district it is narrowed to."""

    date = _Date(load_default=None)
    district = _id()


class CardDays(_Query):
    """A courier card's statistics period (`start`, `end`) and the day of its trips."""

    start = _Date(load_default=None)
    end = _Date(load_default=None)
    day = _Date(load_default=None)


def paginate(query: Select, page: int) -> Pagination:
    """One page of `query` (Flask-SQLAlchemy's Pagination); past the last page, the last page.

    A page past the end is what a stale link asks for after rows went away: it gets the rows that
    are left rather than an empty table (that rare request queries twice). A page number beyond
    any table is bounded first, so its OFFSET never overflows the databases' 64-bit integer.
    """
    result = db.paginate(query, page=min(page, _FARTHEST_PAGE), per_page=PER_PAGE, error_out=False)
    if result.page > max(result.pages, 1):
        result = db.paginate(query, page=max(result.pages, 1), per_page=PER_PAGE, error_out=False)
    return result
