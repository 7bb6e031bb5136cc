"""Districts are created on purpose: the courier form asks before creating one, refuses names that
are not names, and picks an existing district typed in another case; an import refuses unknown ones."""
from __future__ import annotations

import pytest

from delivery.models import Courier, District
from tests.helpers import HX

FORM = {"name": "Dana", "type": "FOOT", "working_hours": "09:00-18:00"}


def _districts(session) -> list[str]:
    session.expire_all()
    return sorted(d.name for d in session.query(District))


def test_an_unknown_district_is_named_and_created_only_once_confirmed(signed_in, demo):
    before = _districts(demo)
    asked = signed_in.post("/ui/couriers/new", headers=HX, data={**FORM, "new_districts": "  Harbour   Side "})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "No district is called “Harbour Side” yet" in body
    assert 'name="create_districts"' in body and _districts(demo) == before
    done = signed_in.post("/ui/couriers/new", headers=HX,
                          data={**FORM, "new_districts": "  Harbour   Side ", "create_districts": "y"})
    assert done.status_code == 200 and "HX-Redirect" in done.headers
    assert _districts(demo) == sorted([*before, "Harbour Side"])  # trimmed, inner spaces collapsed


def test_a_typed_existing_district_is_picked_whatever_its_case(signed_in, demo):
    done = signed_in.post("/ui/couriers/new", headers=HX, data={**FORM, "new_districts": "north, SOUTH"})
    assert done.status_code == 200
    demo.expire_all()
    dana = demo.query(Courier).filter_by(name="Dana").one()
    assert [d.district.name for d in dana.districts] == ["North", "South"]
    assert _districts(demo) == ["Center", "North", "South"]


@pytest.mark.parametrize("typed, why", [
    ("99", "has no letter"),
    ("<b>bold</b>", "is not a district name"),
    ("a_b", "is not a district name"),
    ("x" * 61, "longer than 60 characters"),
])
def test_names_that_are_not_names_are_refused_even_confirmed(signed_in, demo, typed, why):
    before = _districts(demo)
    refused = signed_in.post("/ui/couriers/new", headers=HX,
                             data={**FORM, "new_districts": typed, "create_districts": "y"})
    assert refused.status_code == 422 and why in refused.get_data(as_text=True)
    assert _districts(demo) == before


def test_districts_are_checkboxes(signed_in, demo):
    page = signed_in.get("/ui/couriers/new").get_data(as_text=True)
    assert "<select multiple" not in page and page.count('type="checkbox" name="districts"') == 3
    edit = signed_in.get("/ui/couriers/1/edit").get_data(as_text=True)
    assert 'name="districts" value="1" checked' in edit
