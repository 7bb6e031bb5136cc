"""Districts are created on first use by either door and shared between them (the districts service,
on the real database)."""
from __future__ import annotations

from sqlalchemy import func, select

from delivery.models import District
from delivery.services import districts


def test_ids_then_names_share_one_table(session):
    districts.ensure_ids(session, [3, 1, 3])
    assert dict(session.execute(select(District.id, District.name)).all()) == {1: "1", 3: "3"}
    ids = districts.ensure_names(session, ["Center", "3", "Center"])
    assert ids["3"] == 3  # the name of region 3 is "3": the same district
    assert ids["Center"] == 4  # a new name takes the next free id
    districts.ensure_ids(session, [4, 5])
    session.commit()
    assert dict(session.execute(select(District.id, District.name)).all()) == {
        1: "1", 3: "3", 4: "Center", 5: "5"}


def test_region_whose_number_is_taken_as_a_name(session):
    districts.ensure_names(session, ["7"])  # gets id 1
    districts.ensure_ids(session, [7])
    session.commit()
    assert session.get(District, 7).name == "Region 7"


def test_nothing_wanted_or_all_there_creates_nothing(session):
    districts.ensure_ids(session, [])
    assert districts.ensure_names(session, []) == {}
    assert session.scalar(select(func.count()).select_from(District)) == 0
    districts.ensure_ids(session, [2])
    session.add(District(id=9, name="Old name"))
    session.commit()
    districts.ensure_ids(session, [2, 9])  # existing districts keep their names
    session.commit()
    assert dict(session.execute(select(District.id, District.name)).all()) == {2: "2", 9: "Old name"}


def test_names_are_found_before_created_each_once_in_the_order_given(session):
    session.add(District(id=5, name="North"))
    session.commit()
    ids = districts.ensure_names(session, ["South", "North", "East", "South"])
    session.commit()
    assert ids == {"North": 5, "South": 6, "East": 7}
    assert districts.ensure_names(session, ["East", "North"]) == {"East": 7, "North": 5}
    assert session.scalar(select(func.count()).select_from(District)) == 3
