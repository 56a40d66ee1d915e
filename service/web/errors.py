"""Errors as JSON `{"error": {"code", "message", "field"}}` for the API, pages for readers."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from service.errors import DomainError

PAGE_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to open this page."),
    404: _l("There is no page at this address."),
    405: _l("This action is not allowed here."),
    413: _l("What you sent is too large."),
}


def error_response(status: int, code: str, message: str, field: str | None = None, **extra: object):
    body = {"error": {"code": code, "message": message, "field": field, **extra}}
    return jsonify(body), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(error.status, error.code, error.message, error.field, **error.extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = app.make_response(_answer(error))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)  # 405 must say what is allowed
        return response

    def _answer(error: HTTPException):
        if not request.path.startswith("/api/"):
            if error.code == 404 and g.get("page_locale"):
                return render_template("not_found.html", locale=g.page_locale, alternates=[]), 404
            if error.code in PAGE_MESSAGES:
                return render_template("error.html", code=error.code, message=PAGE_MESSAGES[error.code]), error.code
            return error
        code = (error.name or "error").lower().replace(" ", "_")
        if error.code == 413:
            message = f"the request is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} bytes"
            return error_response(413, "too_large", message, "body")
        return error_response(error.code or 500, code, error.description or error.name)
