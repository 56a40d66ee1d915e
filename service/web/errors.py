"""Errors as JSON `{"error": {"code", "message", "field"}}` for the API, pages for readers."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from service.errors import DomainError


def error_response(status: int, code: str, message: str, field: str | None = None, **extra: object):
    body = {"error": {"code": code, "message": message, "field": field, **extra}}
    return jsonify(body), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(error.status, error.code, error.message, error.field, **error.extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            return error
        code = (error.name or "error").lower().replace(" ", "_")
        if error.code == 413:
            message = f"the request is larger than the limit of {app.config['MAX_CONTENT_LENGTH']} bytes"
            return error_response(413, "too_large", message, "body")
        return error_response(error.code or 500, code, error.description or error.name)
