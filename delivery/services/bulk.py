"""Insert many rows and learn their ids in request order, in a few statements on either database.

PostgreSQL: `INSERT ... RETURNING` with SQLAlchemy's insertmanyvalues, ids sorted back into parameter
order (pages of 1,000 rows per statement). SQLite cannot promise the order of a multi-row RETURNING,
and SQLAlchemy then falls back to a statement per row; there the caller already holds the write lock
(`write_transaction` begins IMMEDIATE), so the next ids are known: they are assigned explicitly and
the rows go in one `executemany`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from delivery.services.tx import is_sqlite


def insert_with_ids(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` (integer primary key `id`); return their ids in the same order."""
    if not rows:
        return []
    if is_sqlite(session):
        first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        session.execute(insert(table), [{**row, "id": i} for i, row in zip(ids, rows)])
        return ids
    return list(session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
