"""Russian and English for the dispatcher's pages (Flask-Babel).

The language is the one the visitor picked (a `lang` cookie set by the switch in the navigation),
else the best match of the browser's Accept-Language, else English. Catalogs live in
`translations/` (`.po` in the repository, `.mo` compiled by `make install`). The JSON APIs never
call gettext: their bodies stay exactly as their contracts say, whatever the browser asks for.
"""
from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from flask import Flask, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, refresh

from delivery.config import ROOT

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "lang"

babel = Babel()


def select_locale() -> str:
    if not has_request_context():  # the worker rendering a receipt, a CLI command
        return DEFAULT_LANGUAGE
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language_names() -> list[tuple[str, str]]:
    """(code, the language's own name): each switch link is written in its own language."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in LANGUAGES]


def money(value: int | float | None) -> str:
    """A cost in the page's number format with the rouble sign: `1 500 ₽`, `1,500 ₽`."""
    return "—" if value is None else f"{format_decimal(value)}\u00a0₽"


def number(value: int | float | None) -> str:
    return "—" if value is None else format_decimal(value)


def day(value: date | None, fmt: str = "medium") -> str:
    return "—" if value is None else format_date(value, fmt)


def moment(value: datetime | None, fmt: str = "medium") -> str:
    return "—" if value is None else format_datetime(value, fmt)


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale in `g`, which lives as long as the app context: a context
    # spanning several requests (a CLI command, a test) must not keep the first request's language.
    app.before_request(refresh)
    app.jinja_env.filters.update(money=money, number=number, day=day, moment=moment)
    app.jinja_env.globals.update(get_locale=get_locale, language_names=language_names)
