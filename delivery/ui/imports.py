"""Import couriers or orders from a CSV or JSON file, one row at a time, reporting each failure.

A file is read into the Lavka API's own item shapes (`courier_type, regions, working_hours` and
`weight, regions, delivery_hours, cost`), and each row goes through the same creation service the
API uses, on its own: a bad row is reported with its line and reason, and the good rows are kept.

CSV: a header row naming those columns; list cells (regions, hours) separated by `;` or spaces.
JSON: the API's request body (`{"couriers": [...]}` / `{"orders": [...]}`) or a bare list of items.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from delivery import jsontext
from delivery.domain.courier_types import COURIER_TYPES
from delivery.domain.errors import DomainError
from delivery.domain.intervals import INTERVAL_RE, is_interval
from delivery.errors import flatten_messages
from delivery.models import District
from delivery.services import couriers, orders

KINDS = {"couriers": ("courier_type", "regions", "working_hours"),
         "orders": ("weight", "regions", "delivery_hours", "cost")}
MAX_ROWS = 10_000


@dataclass
class RowError:
    """Why one row of the file was not imported; `row` counts data rows from 1 (CSV: plus the header)."""

    row: int
    message: str


@dataclass
class ImportReport:
    """What an import did: ids created and the rows refused."""

    kind: str
    rows: int = 0
    created: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""


def _split(cell: Any) -> list[str]:
    if isinstance(cell, list):
        return cell
    return [part for part in str(cell or "").replace(";", " ").replace(",", " ").split() if part]


def _int(value: Any, what: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{what} is missing")
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{what} must be a whole number")
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError as error:
        raise ValueError(f"{what} must be a whole number, not {value!r}") from error


def _hours(value: Any, what: str) -> list[str]:
    hours = _split(value)
    if not hours:
        raise ValueError(f"{what} is empty")
    for text in hours:
        if isinstance(text, str) and INTERVAL_RE.fullmatch(text) and not is_interval(text):
            raise ValueError(f"{what}: {text!r} must start before it ends (same day)")
        if not isinstance(text, str) or not is_interval(text):
            raise ValueError(f"{what}: {text!r} is not an HH:MM-HH:MM interval")
    return hours


def courier_item(raw: dict) -> dict:
    """One row as a Lavka courier item; ValueError says what is wrong with it."""
    ctype = str(raw.get("courier_type") or raw.get("type") or "").strip()
    if ctype not in COURIER_TYPES:
        *others, last = COURIER_TYPES
        raise ValueError(f"courier_type must be {', '.join(others)} or {last}, not {ctype!r}")
    regions = [_int(r, "regions") for r in _split(raw.get("regions"))]
    if not regions or min(regions) < 1:
        raise ValueError("regions must be one or more positive numbers")
    return {"courier_type": ctype, "regions": regions,
            "working_hours": _hours(raw.get("working_hours"), "working_hours")}


def order_item(raw: dict) -> dict:
    """One row as a Lavka order item; ValueError says what is wrong with it."""
    if raw.get("weight") in (None, ""):
        raise ValueError("weight is missing")
    try:
        weight = float(raw.get("weight"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"weight must be a number, not {raw.get('weight')!r}") from error
    if not weight > 0:
        raise ValueError("weight must be above 0")
    regions = raw.get("regions", raw.get("region"))
    region = _int(regions[0] if isinstance(regions, list) and len(regions) == 1 else regions, "regions")
    cost = _int(raw.get("cost"), "cost")
    if region < 1 or cost < 0:
        raise ValueError("regions must be positive and cost not negative")
    return {"weight": weight, "regions": region,
            "delivery_hours": _hours(raw.get("delivery_hours"), "delivery_hours"), "cost": cost}


def read_rows(kind: str, filename: str, content: bytes) -> list[dict]:
    """The file's rows as dicts; ValueError when the file as a whole cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("the file is not UTF-8 text") from error
    if filename.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        try:
            data = jsontext.loads(text)
        except jsontext.BadValue as error:
            raise ValueError(f"{error.where}: {error.problem}") from error
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON: {error}") from error
        rows = data.get(kind) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ValueError(f"expected a list of {kind} or {{\"{kind}\": [...]}}")
        return rows
    fault = jsontext.text_fault(text)
    if fault:
        raise ValueError(f"the file {fault}")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in KINDS[kind] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"the CSV header lacks {', '.join(missing)}")
    return list(reader)


def import_file(session: Session, kind: str, filename: str, content: bytes) -> ImportReport:
    """Create each valid row through the API's creation service; report the others."""
    report = ImportReport(kind=kind)
    if kind not in KINDS:
        report.file_error = f"cannot import {kind!r}"
        return report
    try:
        rows = read_rows(kind, filename, content)
    except ValueError as error:
        report.file_error = str(error)
        return report
    if len(rows) > MAX_ROWS:
        report.file_error = f"at most {MAX_ROWS} rows at a time"
        return report
    to_item: Callable[[dict], dict] = courier_item if kind == "couriers" else order_item
    create = _creator(kind)
    report.rows = len(rows)
    for number, raw in enumerate(rows, start=1):
        try:
            if not isinstance(raw, dict):
                raise ValueError("a row must be an object")
            report.created.append(create(session, to_item(raw)))
        except ValueError as error:
            report.errors.append(RowError(number, str(error)))
        except DomainError as error:
            report.errors.append(RowError(number, error.message or f"refused ({type(error).__name__})"))
        except SQLAlchemyError as error:  # the database refused it: report the row, keep going
            session.rollback()
            report.errors.append(RowError(number, f"not stored: {type(error).__name__}"))
    return report


def _creator(kind: str) -> Callable[[Session, dict], int]:
    """Check an item against the Lavka contract, then create it with the API's own service."""
    # The API's item schemas are the contract's validation (int32 ranges, strict types): reuse them.
    from delivery.api.lavka_schemas import CreateCourierDto, CreateOrderDto

    schema = CreateCourierDto() if kind == "couriers" else CreateOrderDto()

    def create(session: Session, item: dict) -> int:
        try:
            loaded = schema.load(item)
        except ValidationError as error:
            raise ValueError(flatten_messages(error.messages)) from error
        _refuse_unknown_districts(session, loaded["regions"])
        if kind == "couriers":
            return couriers.create_couriers(session, [loaded])[0]["courier_id"]
        return orders.create_orders(session, [loaded])[0].id

    return create


def _refuse_unknown_districts(session: Session, regions: int | list[int]) -> None:
    """A file names districts on purpose: a region that is no district yet refuses the row.

    (The Lavka API creates districts on first use, as its contract says; an import does not.)
    """
    wanted = set(regions if isinstance(regions, list) else [regions])
    missing = sorted(wanted - set(session.scalars(select(District.id).where(District.id.in_(wanted)))))
    if missing:
        raise ValueError(f"district {', '.join(map(str, missing))} does not exist: create it first")
