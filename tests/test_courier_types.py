"""One courier-type table (domain.courier_types): the model, the Lavka schemas, the import, the form,
the filter and the labels all follow it, and the stored CHECK is still the migration's."""
from __future__ import annotations

from pathlib import Path

from marshmallow import validate

from delivery.api import lavka_schemas
from delivery.domain.courier_types import COURIER_TYPES, RULES, CourierType
from delivery.models import Courier
from delivery.ui.imports import courier_item
from delivery.ui import labels
from delivery.ui.forms import CourierForm

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def test_the_codes_are_the_enum_s_values_and_every_type_has_rules():
    assert COURIER_TYPES == ("FOOT", "BIKE", "AUTO") == tuple(t.value for t in CourierType)
    assert set(RULES) == set(CourierType)


def test_the_model_check_and_default_come_from_the_table_and_need_no_migration():
    [check] = [c for c in Courier.__table__.constraints if c.name and str(c.name).endswith("type")
               and hasattr(c, "sqltext")]
    assert str(check.sqltext) == "type IN ('FOOT', 'BIKE', 'AUTO')"
    assert any(f'"{check.sqltext}"' in path.read_text() for path in MIGRATIONS.glob("*.py"))
    assert Courier.__table__.c.type.default.arg == CourierType.FOOT.value


def _one_of(field) -> tuple:
    [one_of] = [v for v in field.validators if isinstance(v, validate.OneOf)]
    return tuple(one_of.choices)


def test_the_lavka_schemas_accept_exactly_the_table():
    assert _one_of(lavka_schemas.CreateCourierDto().fields["courier_type"]) == COURIER_TYPES
    assert _one_of(lavka_schemas.CourierDto().fields["courier_type"]) == COURIER_TYPES


def test_the_import_checks_the_table_with_the_same_message():
    assert courier_item({"courier_type": "AUTO", "regions": "1", "working_hours": "10:00-12:00"})["courier_type"] == "AUTO"
    try:
        courier_item({"courier_type": "SHIP", "regions": "1", "working_hours": "10:00-12:00"})
    except ValueError as error:
        assert str(error) == "courier_type must be FOOT, BIKE or AUTO, not 'SHIP'"
    else:
        raise AssertionError("SHIP was accepted")


def test_every_type_has_a_label_and_the_choices_follow_the_table(app):
    assert set(labels.COURIER_TYPES) == set(CourierType), "a courier type without a label"
    with app.test_request_context():
        assert [code for code, _ in labels.courier_type_choices()] == list(COURIER_TYPES)
        assert all(str(name) and str(name) != code for code, name in labels.courier_type_choices())
        assert labels.courier_type_label("BIKE") == "Bike" and labels.courier_type_label("X") == "X"
        form = CourierForm(meta={"csrf": False})
        assert [code for code, _ in form.type.choices] == list(COURIER_TYPES)
        assert form.type.default == "FOOT"
