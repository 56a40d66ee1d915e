"""The Flask application factory: reads like a table of contents of the web side."""

from __future__ import annotations

from flask import Flask

from service.settings import Settings, dev_secret, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or dev_secret(settings.data_dir),
        MAX_CONTENT_LENGTH=settings.max_post_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_TRANSLATION_DIRECTORIES=str(settings.translations_dir),
        BABEL_DEFAULT_LOCALE=settings.source_locale,
        JSON_SORT_KEYS=False,
    )
    app.extensions["tarjama.settings"] = settings

    from service.web import database, i18n

    database.init_app(app, settings)
    i18n.init_app(app, settings)

    from service.web import api, errors, health, reader

    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(reader.bp)
    return app
