"""What the APIs' schemas share: a field read by one of the domain's parsers."""
from __future__ import annotations

from marshmallow import ValidationError


class Parsed:
    """Mixed into a marshmallow field: its value is read by a domain parser (`parse`), whose ValueError
    becomes the field's error (a 400), so the API and the domain agree on what a value is."""

    parse: staticmethod

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.parse(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error
