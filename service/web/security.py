"""CSRF protection on every form and fetch, and protective response headers."""

from __future__ import annotations

from flask import Blueprint, Flask, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()


class HttpsAwareSessions(SecureCookieSessionInterface):
    """Session cookies get `Secure` whenever the request came over HTTPS (directly, or through a
    trusted proxy's X-Forwarded-Proto), not only when TARJAMA_SECURE_COOKIES says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app: Flask, exempt: list[Blueprint]) -> None:
    app.session_interface = HttpsAwareSessions()
    csrf.init_app(app)
    for blueprint in exempt:  # the API authenticates every request with a Bearer token, not a cookie
        csrf.exempt(blueprint)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        message = _("This form has expired or did not come from this site. Reload the page and try again.")
        return render_template("error.html", code=400, message=message), 400

    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response
