"""labels.message(): every service message in the table comes back in the page's language, with its
values in place; a message the table does not know comes back as it is."""
from __future__ import annotations

import re

from flask_babel import gettext

from delivery.ui import labels

RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
# A value for each placeholder that its pattern takes (an id a number, `what` a word, ...).
SAMPLES = {"id": "17", "n": "500", "what": "weight", "error": "IntegrityError", "task": "a1b2-c3",
           "region": "12", "weight": "7.5", "max": "5", "value": "abc, 1", "district": "North side",
           "ids": "4, 9", "text": "10:00-09:00", "detail": "Expecting value: line 1", "columns": "name, type"}


def test_every_template_round_trips_to_russian(app):
    with app.test_request_context(headers=RU):
        for template in labels.MESSAGES:
            values = {name: SAMPLES[name] for name in re.findall(r"%\((\w+)\)s", template)}
            english = template % values
            russian = gettext(template, **values)
            assert russian != english, f"no Russian for {template!r}"
            assert labels.message(english) == russian, template


def test_an_unknown_message_comes_back_unchanged(app):
    with app.test_request_context(headers=RU):
        for text in ("Something nobody wrote", "No courier x", "Order not found!", "not stored: two words"):
            assert labels.message(text) == text
        assert labels.message("") == "" and labels.message(None) == ""
        assert labels.message("The CSRF token is missing.").startswith("Форма")
