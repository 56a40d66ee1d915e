"""UI language: the reader page's locale, else the browser's preference (Flask-Babel)."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

from service import l10n
from service.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    def select_locale() -> str:
        if g.get("page_locale"):
            return g.page_locale
        return request.accept_languages.best_match(settings.locales) or settings.source_locale

    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        text_direction=l10n.text_direction,
        locale_name=l10n.locale_name,
        format_date=l10n.format_date,
    )
