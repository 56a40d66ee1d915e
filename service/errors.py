"""Domain errors: raised by plain-Python domain code, turned into HTTP answers by the web layer."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for the UI catalogs; the web layer translates it when it shows it.

    Domain code stays free of Flask: it raises with an English template and its parameters
    (`%(name)s`), the API answers in English, pages answer in the user's language.
    """
    return message


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, template: str, field: str | None = None, params: dict | None = None, **extra: object) -> None:
        self.template = template
        self.params = params or {}
        self.message = template % self.params if self.params else template
        super().__init__(self.message)
        self.field = field
        self.extra = extra


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"
