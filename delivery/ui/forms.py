"""Flask-WTF forms of the dispatcher's pages: each field validated where the dispatcher typed it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from delivery.domain.intervals import parse_interval
from delivery.models import COURIER_TYPES


def split_intervals(text: str | None) -> list[str]:
    """`09:00-13:00, 16:00-20:00` (commas, spaces or new lines) as a list of interval strings."""
    return [part for part in (text or "").replace(",", " ").split() if part]


def split_names(text: str | None) -> list[str]:
    """District names typed one per line or comma-separated."""
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def _intervals(form, field) -> None:
    for text in split_intervals(field.data):
        try:
            parse_interval(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class CourierForm(FlaskForm):
    """Register or edit a courier: name, type, districts and working hours."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    type = SelectField("Type", choices=[(t, t.title()) for t in COURIER_TYPES], default="FOOT")
    districts = SelectMultipleField("Districts", coerce=int, validators=[Optional()])
    new_districts = StringField(
        "New districts", validators=[Optional(), Length(max=500)],
        description="Names, comma-separated; created on first use.",
    )
    working_hours = StringField(
        "Working hours", validators=[Optional(), _intervals],
        description="HH:MM-HH:MM, several separated by commas, e.g. 09:00-13:00, 16:00-20:00",
    )

    def validate(self, extra_validators=None) -> bool:
        # Across two fields, so here rather than in a field validator (Optional() would skip it).
        valid = super().validate(extra_validators)
        if not self.districts.data and not split_names(self.new_districts.data):
            self.new_districts.errors = [*self.new_districts.errors, "Pick at least one district or name a new one."]
            return False
        return valid


class DispatchForm(FlaskForm):
    """A new order, handed at once to a free courier of its district."""

    name = StringField("Order name", validators=[DataRequired(), Length(max=200)])
    district = SelectField("District", coerce=str, validators=[DataRequired()])


class ImportForm(FlaskForm):
    """A CSV or JSON file of couriers or orders."""

    kind = SelectField("Import", choices=[("couriers", "Couriers"), ("orders", "Orders")])
    file = FileField(
        "File (CSV or JSON)",
        validators=[FileRequired(), FileAllowed(["csv", "json"], "A .csv or .json file, please.")],
    )


class PlanForm(FlaskForm):
    """The date to plan."""

    date = DateField("Date", validators=[DataRequired()])
