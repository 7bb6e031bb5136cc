"""services/couriers on the real database, no HTTP in between: one registration whatever the door,
the page's edit, the readings, and refusals raised as domain errors with the messages the pages
translate."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from delivery.domain.earnings import MetaFigures
from delivery.domain.errors import Invalid, NotFound
from delivery.models import Courier, District, Order
from delivery.services import couriers


def _districts(session, *names: str) -> list[int]:
    session.add_all(District(id=n, name=name) for n, name in enumerate(names, start=1))
    session.commit()
    return list(range(1, len(names) + 1))


def _names(courier: Courier) -> list[str]:
    return [link.district.name for link in courier.districts]


def _profile(**overrides) -> couriers.Profile:
    return couriers.Profile(**{"name": "Ann", "courier_type": "BIKE", "district_ids": [], "new_district_names": [],
                               "working_hours": ["09:00-13:00"], **overrides})


def test_the_dispatch_registration_is_a_free_foot_courier_with_its_districts_by_name(session):
    registered = couriers.register(session, "Ann", ["Center", "North", "Center"])
    assert (registered.name, registered.districts) == ("Ann", ["Center", "North", "Center"])
    courier = session.scalar(select(Courier).where(Courier.uuid == registered.id))
    assert (courier.name, courier.type, courier.working_hours) == ("Ann", "FOOT", [])
    assert _names(courier) == ["Center", "North", "Center"]  # as given, duplicates kept
    assert courier.free_since is not None and courier.active_order_id is None
    # Created on first use, then reused by name.
    again = couriers.register(session, "Bob", ["North"])
    bob = session.scalar(select(Courier).where(Courier.uuid == again.id))
    assert bob.region_ids == [courier.region_ids[1]]


def test_the_lavka_batch_answers_courier_dtos_in_request_order(session):
    created = couriers.create_couriers(session, [
        {"courier_type": "AUTO", "regions": [3, 1], "working_hours": ["08:00-20:00"]},
        {"courier_type": "FOOT", "regions": [2], "working_hours": ["10:00-12:00", "13:00-14:00"]},
    ])
    assert created == [
        {"courier_id": 1, "courier_type": "AUTO", "regions": [3, 1], "working_hours": ["08:00-20:00"]},
        {"courier_id": 2, "courier_type": "FOOT", "regions": [2], "working_hours": ["10:00-12:00", "13:00-14:00"]},
    ]
    assert [couriers.read_courier(session, c["courier_id"]) for c in created] == created
    assert couriers.list_couriers(session, 1, 5) == created[1:]
    assert [dto for chunk in couriers.iter_couriers(session, 0, 10) for dto in chunk] == created
    # Every door stores a free courier: the rule is one.
    assert all(c.free_since is not None for c in session.scalars(select(Courier)))


def test_the_page_registers_a_profile_with_existing_and_new_districts(session):
    center, north = _districts(session, "Center", "North")
    courier = couriers.register_profile(session, _profile(
        name="  Ann  ", district_ids=[north, center, north], new_district_names=[" South "]))
    assert (courier.name, courier.type, courier.working_hours) == ("Ann", "BIKE", ["09:00-13:00"])
    assert _names(courier) == ["North", "Center", "South"]
    assert courier.free_since is not None


def test_a_registered_courier_takes_an_order_waiting_in_its_district(session):
    [center] = _districts(session, "Center")
    session.add(Order(name="Soup", district_id=center, status="waiting", weight=1.0, cost=0,
                      delivery_hours=[]))
    session.commit()
    ann = couriers.register(session, "Ann", ["Center"])
    order = session.scalar(select(Order))
    assert (order.status, order.courier.uuid) == ("assigned", ann.id)


@pytest.mark.parametrize("overrides,message", [
    ({"courier_type": "SHIP"}, "type must be one of FOOT, BIKE, AUTO"),
    ({"working_hours": ["13:00-09:00"]}, "an interval must start before it ends: '13:00-09:00'"),
    ({"working_hours": ["9-13"]}, "not an HH:MM-HH:MM interval: '9-13'"),
    ({"district_ids": [99]}, "unknown district ids: [99]"),
    ({}, "a courier serves at least one district"),
])
def test_a_refused_profile_is_invalid_and_stores_nothing(session, overrides, message):
    with pytest.raises(Invalid) as refused:
        couriers.register_profile(session, _profile(**overrides))
    assert refused.value.message == message
    session.rollback()
    assert session.scalars(select(Courier)).all() == []


def test_the_page_edits_a_profile(session):
    center, north = _districts(session, "Center", "North")
    courier = couriers.register_profile(session, _profile(district_ids=[center]))
    edited = couriers.update_courier(session, courier.id, _profile(
        name="Anna", courier_type="AUTO", district_ids=[north], new_district_names=["East"],
        working_hours=["10:00-11:00", "12:00-13:00"]))
    session.expire_all()
    stored = session.get(Courier, courier.id)
    assert stored is not None and edited.id == stored.id
    assert (stored.name, stored.type, stored.working_hours) == ("Anna", "AUTO", ["10:00-11:00", "12:00-13:00"])
    assert _names(stored) == ["North", "East"]


def test_editing_refuses_with_domain_errors_and_keeps_the_profile(session):
    [center] = _districts(session, "Center")
    courier = couriers.register_profile(session, _profile(district_ids=[center]))
    with pytest.raises(NotFound) as unknown:
        couriers.update_courier(session, courier.id + 1, _profile(district_ids=[center]))
    assert unknown.value.message == f"No courier {courier.id + 1}"
    with pytest.raises(Invalid) as bad:
        couriers.update_courier(session, courier.id, _profile(name="Zed", district_ids=[center, 42]))
    assert bad.value.message == "unknown district ids: [42]"
    session.expire_all()
    assert session.get(Courier, courier.id).name == "Ann"


def test_unknown_couriers_are_not_found_in_each_contract_s_words(session):
    with pytest.raises(NotFound, match="^No courier 7$"):
        couriers.get_courier(session, 7)
    with pytest.raises(NotFound, match="^no courier 7$"):
        couriers.read_courier(session, 7)
    with pytest.raises(NotFound, match="^no courier 7$"):
        couriers.meta_info(session, 7, date(2023, 1, 1), date(2023, 1, 2))
    with pytest.raises(NotFound, match="^Courier not found$"):
        couriers.live_card(session, uuid.uuid4())


def test_registered_lists_every_door_s_couriers_by_id_with_default_names(session):
    couriers.create_couriers(session, [{"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-12:00"]}])
    ann = couriers.register(session, "Ann", ["Center"])
    listed = couriers.registered(session)
    assert [(c.uuid, c.display_name) for c in listed] == [(listed[0].uuid, "Courier 1"), (ann.id, "Ann")]
    assert [c.display_name for c in couriers.registered(session, 1, 5)] == ["Ann"]
    assert couriers.registered(session, 0, 0) == []


def test_meta_info_and_the_live_card(session):
    [foot] = couriers.create_couriers(
        session, [{"courier_type": "FOOT", "regions": [1], "working_hours": ["10:00-12:00"]}])
    courier = session.get(Courier, foot["courier_id"])
    session.add(Order(name=None, district_id=1, status="completed", courier_id=courier.id, weight=1.0,
                      cost=100, delivery_hours=[], assigned_at=datetime(2023, 1, 1, 9),
                      completed_at=datetime(2023, 1, 1, 10)))
    session.commit()
    assert couriers.meta_info(session, courier.id, date(2023, 1, 1), date(2023, 1, 2)) == couriers.MetaInfo(
        **foot, figures=MetaFigures(earnings=200, rating=int(1 / 24 * 3)))
    assert couriers.meta_info(session, courier.id, date(2023, 1, 2), date(2023, 1, 3)) == couriers.MetaInfo(
        **foot, figures=None)
    card = couriers.live_card(session, courier.uuid)
    assert (card.name, card.districts, card.active_order) == (f"Courier {courier.id}", ["1"], None)
    assert card.avg_order_complete_time == "01:00:00"
