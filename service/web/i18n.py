"""UI language and localised formatting (Flask-Babel, CLDR) for every template.

Reader pages speak their URL's locale; the signed-in UI speaks the user's chosen language,
else the session's, else the browser's preference.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_timedelta
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from service import l10n
from service.models import as_utc
from service.settings import Settings


def ui_locale() -> str:
    return str(get_locale())


def init_app(app: Flask, settings: Settings) -> None:
    def select_locale() -> str:
        if g.get("page_locale"):
            return g.page_locale
        user = getattr(current_user, "user", None)
        if user is not None and user.ui_locale in settings.locales:
            return user.ui_locale
        if session.get("ui_locale") in settings.locales:
            return session["ui_locale"]
        return request.accept_languages.best_match(settings.locales) or settings.source_locale

    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        text_direction=l10n.text_direction,
        locale_name=l10n.locale_name,
        format_date=l10n.format_date,
        ui_locale=ui_locale,
        ui_locales=settings.locales,
    )
    app.jinja_env.filters.update(
        age=format_age, datetime=format_moment, number=format_number, machine_time=machine_time
    )


def format_age(moment: datetime) -> str:
    """'3 hours ago' in the UI language, with its own digits."""
    locale = ui_locale()
    delta = as_utc(moment) - datetime.now(UTC)
    return l10n.native_digits(format_timedelta(delta, add_direction=True, locale=locale), locale)


def machine_time(moment: datetime) -> str:
    """For `<time datetime>`: UTC to the second, as HTML wants it."""
    return as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_moment(moment: datetime) -> str:
    locale = ui_locale()
    return l10n.native_digits(babel_format_datetime(as_utc(moment), "medium", locale=locale), locale)


def format_number(value: float) -> str:
    return l10n.format_number(value, ui_locale())
