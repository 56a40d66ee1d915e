"""The Flask application factory: reads like a table of contents of the web side."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from service import logs, metrics
from service.settings import Settings, dev_secret, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    logs.configure(settings, "web")
    metrics.configure(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or dev_secret(settings.data_dir),
        MAX_CONTENT_LENGTH=settings.max_post_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES=str(settings.translations_dir),
        BABEL_DEFAULT_LOCALE=settings.source_locale,
        SITE_NAME=settings.site_name,
    )
    app.extensions["tarjama.settings"] = settings
    if settings.trusted_proxies:
        # Behind nginx/Traefik: real client addresses (sign-in limits) and https:// links (feeds, sitemap).
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    from service.web import (
        admin,
        api,
        auth,
        database,
        discussion,
        editor,
        errors,
        guard,
        health,
        i18n,
        labels,
        observability,
        page_cache,
        reader,
        review_queue,
        security,
    )
    from service.web import glossary as glossary_pages
    from service.web.account import bp as account_pages
    from service.web.live import bp as live_pages
    from service.web.memory_views import bp as memory_pages

    database.init_app(app, settings)
    observability.init_app(app)
    page_cache.init_app(app, app.extensions["tarjama.sessions"], settings.page_cache_recheck)
    auth.login_manager.init_app(app)
    i18n.init_app(app, settings)
    labels.init_app(app)
    security.init_app(app, exempt=[api.bp])
    errors.init_app(app)
    guard.init_app(app)

    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(review_queue.bp)
    app.register_blueprint(glossary_pages.bp)
    app.register_blueprint(memory_pages)
    app.register_blueprint(discussion.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(account_pages)
    app.register_blueprint(live_pages)
    app.register_blueprint(health.bp)
    app.register_blueprint(observability.bp)
    app.register_blueprint(reader.bp)
    return app
