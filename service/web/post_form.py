"""The desk's post form (submit and edit share it), read into the API's shape.

One reading for both pages, so the form and the JSON API go through the same validation."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

FIELDS = ("title", "lede", "body", "format", "author", "published_at")


def payload(form: MultiDict) -> dict:
    """The filled-in fields as an API payload; empty ones are left out, as the API leaves them out."""
    values = {key: form.get(key, "") for key in FIELDS}
    values["tags"] = form.get("tags", "")
    values["categories"] = form.get("categories", "")
    values["target_locales"] = form.getlist("target_locales")
    return {key: value for key, value in values.items() if value not in ("", [])}


def refill(form: MultiDict) -> dict:
    """What the editor sent, to show the form again after an error (every ticked locale kept)."""
    values = dict(form)
    values["target_locales"] = form.getlist("target_locales")
    return values
