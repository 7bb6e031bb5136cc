"""Districts are created on first use by either door and shared between them."""
from sqlalchemy import select

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
