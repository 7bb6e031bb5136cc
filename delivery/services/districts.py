"""Districts on first use, from either door: Lavka region numbers or dispatch names.

Both doors may create the same district at the same moment, so creation is an
`INSERT ... ON CONFLICT DO NOTHING` followed by a read, never a read-then-insert.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from delivery.models import District
from delivery.services.tx import is_sqlite


def _insert(session: Session):
    return (sqlite_insert if is_sqlite(session) else pg_insert)(District)


def ensure_ids(session: Session, region_ids: Iterable[int]) -> None:
    """Create the districts of these Lavka regions that do not exist yet (named by their number)."""
    wanted = sorted(set(region_ids))
    if not wanted:
        return
    existing = set(session.scalars(select(District.id).where(District.id.in_(wanted))))
    missing = [i for i in wanted if i not in existing]
    if not missing:
        return
    taken = set(session.scalars(select(District.name).where(District.name.in_([str(i) for i in missing]))))
    # A dispatch district may already be called "7" with another id: then region 7 is "Region 7".
    rows = [{"id": i, "name": str(i) if str(i) not in taken else f"Region {i}"} for i in missing]
    session.execute(_insert(session).values(rows).on_conflict_do_nothing())


def ensure_names(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Return {name: id} for these district names, creating the missing ones with fresh ids."""
    wanted = list(dict.fromkeys(names))
    found = dict(session.execute(select(District.name, District.id).where(District.name.in_(wanted))).all())
    for name in wanted:
        if name in found:
            continue
        # Retry on a clash: another transaction may take the same next id or the same name meanwhile.
        for _ in range(20):
            next_id = (session.scalar(select(func.max(District.id))) or 0) + 1
            with session.begin_nested():
                session.execute(_insert(session).values(id=next_id, name=name).on_conflict_do_nothing())
            district_id = session.scalar(select(District.id).where(District.name == name))
            if district_id is not None:
                found[name] = district_id
                break
        else:
            raise RuntimeError(f"could not create district {name!r}")
    return found
