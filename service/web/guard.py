"""Refuse, before any view runs, request input that no column can hold or no id can reach.

- NUL bytes and lone surrogates, anywhere: in a path part the page cannot exist (404); in a
  query, form or JSON field the answer is 422 naming the field (JSON for the API, a page in the
  user's language elsewhere). Without this they surface deep in a view as a 500 (PostgreSQL
  refuses NUL; a lone surrogate cannot be encoded).
- `<int:...>` in routes accepts signed numbers within the range of the INTEGER id and position
  columns (32 bits on PostgreSQL): a larger id or a negative segment number is simply a page
  that does not exist (404), not an overflow deep in the database driver.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from service.characters import UNSTORABLE
from service.errors import N_, DomainError, InvalidInput

FIELD_MESSAGE = N_("%(name)s contains a character that cannot be stored (a NUL byte or a lone surrogate)")
WHOLE_BODY = "(body)"


SMALLEST, LARGEST = -(2**31), 2**31 - 1  # an INTEGER column


class DatabaseInteger(IntegerConverter):
    """Integers an INTEGER column can hold; any other number matches no route."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        super().__init__(url_map, *args, **{"min": SMALLEST, "max": LARGEST, **kwargs, "signed": True})


def database_id(raw: str) -> int | None:
    """A form field holding an id, or None when it cannot be one (not ASCII digits, out of range)."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= LARGEST:
        return int(raw)
    return None


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: their routes pick the converter up."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request(refuse_unstorable)


def refuse_unstorable():
    if any(isinstance(value, str) and UNSTORABLE.search(value) for value in (request.view_args or {}).values()):
        abort(404)
    field = _bad_field()
    if field is None:
        return None
    name = UNSTORABLE.sub("\ufffd", field)
    if request.path.startswith("/api/"):
        raise InvalidInput(FIELD_MESSAGE, field=name, params={"name": name})
    from service.web.wording import localised_params

    message = gettext(FIELD_MESSAGE, **localised_params({"name": name}))
    if request.is_json:  # the review editor's fetch() reads a JSON error
        return jsonify(error={"code": InvalidInput.code, "message": message, "field": name}), 422
    return render_template("error.html", code=422, message=message), 422


def _bad_field() -> str | None:
    """The first field holding an unstorable character, if any."""
    for source in (request.args, request.form):
        for name, values in source.lists():
            if UNSTORABLE.search(name) or any(UNSTORABLE.search(value) for value in values):
                return name
    key = request.headers.get("Idempotency-Key")
    if key and UNSTORABLE.search(key):
        return "Idempotency-Key"
    if request.is_json:
        payload = _json()
        if isinstance(payload, dict):
            return next((name for name, value in payload.items() if _holds_unstorable(name, value)), None)
        if _holds_unstorable("", payload):
            return WHOLE_BODY
    return None


def _json() -> object:
    """The JSON body (None if it is not JSON); nesting too deep for the parser is a bad request."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        if request.path.startswith("/api/"):
            raise DomainError("the request body is not valid JSON (nested too deeply)", field="body") from None
        abort(400)


def _holds_unstorable(name: str, value: object) -> bool:
    if UNSTORABLE.search(name):
        return True
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, list):
        return any(_holds_unstorable("", item) for item in value)
    if isinstance(value, dict):
        return any(_holds_unstorable(key, item) for key, item in value.items())
    return False
