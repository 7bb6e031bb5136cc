"""Flask-WTF forms of the dispatcher's pages: each field validated where the dispatcher typed it."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from delivery.domain.courier_types import CourierType
from delivery.domain.intervals import parse_interval
from delivery.ui.labels import courier_type_choices, message

# A district name: letters (any script), digits, spaces and a little punctuation; at least one letter
# (a bare number is a Lavka region's district, made by the API), at most 60 characters.
DISTRICT_NAME_MAX = 60
_DISTRICT_NAME_RE = re.compile(r"[\w .,'’()/№-]+")


def split_intervals(text: str | None) -> list[str]:
    """`09:00-13:00, 16:00-20:00` (commas, spaces or new lines) as a list of interval strings."""
    return [part for part in (text or "").replace(",", " ").split() if part]


def split_names(text: str | None) -> list[str]:
    """District names typed one per line or comma-separated, trimmed, inner spaces collapsed."""
    return [" ".join(part.split()) for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def district_name_problem(name: str) -> str | None:
    """Why `name` (already trimmed) cannot name a district, or None when it can."""
    if len(name) > DISTRICT_NAME_MAX:
        return str(_l("“%(name)s” is longer than %(max)s characters.", name=name[:20] + "…", max=DISTRICT_NAME_MAX))
    if not _DISTRICT_NAME_RE.fullmatch(name) or "_" in name:
        return str(_l("“%(name)s” is not a district name: use letters, digits, spaces and - ' . , ( ) /.", name=name))
    if not any(ch.isalpha() for ch in name):
        return str(_l("“%(name)s” has no letter: a district name needs one.", name=name))
    return None


def _intervals(form, field) -> None:
    for text in split_intervals(field.data):
        try:
            parse_interval(text)
        except ValueError as error:
            raise ValidationError(message(str(error))) from error


class CourierForm(FlaskForm):
    """Register or edit a courier: name, type, districts and working hours.

    Districts are picked from the existing ones; a name typed under "New districts" that matches an
    existing district (case aside) picks it, and one that matches none is created only once the
    dispatcher confirms it (`create_districts`), never silently.
    """

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type"), choices=courier_type_choices(), default=CourierType.FOOT.value)
    districts = SelectMultipleField(_l("Districts"), coerce=int, validators=[Optional()])
    new_districts = StringField(
        _l("New districts"), validators=[Optional(), Length(max=500)],
        description=_l("Names, comma-separated; you confirm before a new district is created."),
    )
    create_districts = BooleanField(_l("Yes, create these new districts"))
    working_hours = StringField(
        _l("Working hours"), validators=[Optional(), _intervals],
        description=_l("HH:MM-HH:MM, several separated by commas, e.g. 09:00-13:00, 16:00-20:00"),
    )

    # Filled by validate(): ids of typed names that exist, names to create (confirmed), names to confirm.
    named_ids: list[int]
    to_create: list[str]
    unknown: list[str]

    def validate(self, extra_validators=None) -> bool:
        # Across fields and against the existing districts (the choices), so here.
        valid = super().validate(extra_validators)
        existing = {name.casefold(): district_id for district_id, name in self.districts.choices}
        names = split_names(self.new_districts.data)
        problems = [p for p in map(district_name_problem, names) if p]
        self.named_ids = [existing[n.casefold()] for n in names if n.casefold() in existing]
        self.unknown = list(dict.fromkeys(n for n in names if n.casefold() not in existing))
        self.to_create = []
        if problems:
            self.new_districts.errors = [*self.new_districts.errors, *problems]
            return False
        if self.unknown and not self.create_districts.data:
            self.new_districts.errors = [*self.new_districts.errors, str(_l(
                "No district is called %(names)s yet. Check the spelling, or tick “Yes, create these new "
                "districts” and save again.", names=", ".join(f"“{n}”" for n in self.unknown)))]
            return False
        self.to_create = self.unknown
        if not self.districts.data and not names:
            self.new_districts.errors = [*self.new_districts.errors, str(_l("Pick at least one district or name a new one."))]
            return False
        return valid


# The Lavka API's bounds: cost is an int32, weight a positive number.
INT32_MAX = 2**31 - 1


def _positive(form, field) -> None:
    if field.data is not None and not field.data > 0:
        raise ValidationError(_l("Must be more than 0."))


class DispatchForm(FlaskForm):
    """A new order, handed at once to a free courier of its district (or kept waiting for one).

    Weight, cost and delivery hours are checked as the Lavka API checks an order's fields.
    """

    name = StringField(_l("Order name"), validators=[DataRequired(), Length(max=200)])
    district = SelectField(_l("District"), coerce=str, validators=[DataRequired()])
    weight = FloatField(_l("Weight, kg"), default=1.0, validators=[InputRequired(), _positive])
    cost = IntegerField(_l("Cost"), default=0, validators=[InputRequired(), NumberRange(min=0, max=INT32_MAX)])
    delivery_hours = StringField(
        _l("Delivery hours"), validators=[DataRequired(), _intervals],
        description=_l("HH:MM-HH:MM, several separated by commas, e.g. 09:00-13:00, 16:00-20:00"),
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    wait = BooleanField(_l("Keep it waiting when no courier is free"), default=True)

    def details(self) -> dict:
        """The order's fields beside name and district, as the services store them."""
        return {
            "weight": float(self.weight.data),
            "cost": int(self.cost.data),
            "delivery_hours": split_intervals(self.delivery_hours.data),
            "address": (self.address.data or "").strip() or None,
        }


class ImportForm(FlaskForm):
    """A CSV or JSON file of couriers or orders."""

    kind = SelectField(_l("Import"), choices=[("couriers", _l("Couriers")), ("orders", _l("Orders"))])
    file = FileField(
        _l("File (CSV or JSON)"),
        validators=[FileRequired(_l("Choose a file.")), FileAllowed(["csv", "json"], _l("A .csv or .json file, please."))],
    )


class PlanForm(FlaskForm):
    """The date to plan."""

    date = DateField(_l("Date"), validators=[DataRequired()])
