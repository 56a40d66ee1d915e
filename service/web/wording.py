"""Words the pages build at run time: field names inside validation messages, roles, history details.

Domain errors carry English parameters (a field's key, a state's code, a locale code); the API
answers with them as they are, while pages show each parameter in the UI language, so a Persian
editor reads «عنوان الزامی است» and not "title الزامی است".
"""

from __future__ import annotations

import re

from babel import Locale
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from service.web.i18n import format_number, ui_locale

FIELD_LABELS = {
    "title": _l("Title"),
    "lede": _l("Lede"),
    "body": _l("Body"),
    "format": _l("Format"),
    "author": _l("Author"),
    "tags": _l("Tags"),
    "categories": _l("Categories"),
    "target_locales": _l("Translate into"),
    "source_locale": _l("Source language"),
    "published_at": _l("Publication date"),
    "text": _l("Text"),
    "comment": _l("Comment"),
    "term": _l("Term"),
    "display_name": _l("Display name"),
    "name": _l("Name"),
    "segments": _l("Segments"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "editor": _l("Editor"),
    "translator": _l("Translator"),
    "reader": _l("Reader"),
}
_EDITED = re.compile(r"^segment (\d+)$")
_IMPORTED = re.compile(r"^(\d+) segments changed$")
_STUCK = re.compile(r"^found stuck: ")


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def language_name(code: str) -> str:
    """A language's name in the UI language ("Spanish", «اسپانیایی»); the code if Babel has none."""
    try:
        return Locale.parse(code).get_display_name(ui_locale()) or code
    except (ValueError, TypeError):
        return code


def localised_params(params: dict, template: str = "") -> dict:
    """A domain error's parameters as the UI language words them."""
    from service.web.labels import state_label

    out = {}
    for key, value in params.items():
        if key in ("name", "field") and isinstance(value, str) and value in FIELD_LABELS:
            value = field_label(value)
        elif key == "state" and isinstance(value, str):
            value = state_label(value)
        elif key in ("locale", "source") and isinstance(value, str):
            value = language_name(value.strip("'"))
        elif isinstance(value, int) and f"%({key})s" in template:
            value = format_number(value)
        out[key] = value
    return out


def history_detail(event) -> str:
    """A history line's detail in the UI language (the stored detail is English, for the API)."""
    from service.web.memory_views import event_detail

    detail = event.detail or ""
    if event.action == "drafted":
        if (event.data or {}).get("memory") is not None:
            return event_detail(event)
        machine = (event.data or {}).get("machine")
        if machine is not None:
            return ngettext(
                "%(count)s machine-translated", "%(count)s machine-translated", machine, count=format_number(machine)
            )
        return ""
    if event.action == "edited" and (match := _EDITED.match(detail)):
        return gettext("segment %(n)s", n=format_number(int(match.group(1)) + 1))
    if event.action == "xliff_imported" and (match := _IMPORTED.match(detail)):
        count = int(match.group(1))
        return ngettext("%(count)s segment changed.", "%(count)s segments changed.", count, count=format_number(count))
    if event.action == "requeued" and _STUCK.match(detail):
        return gettext("it was stuck")
    if event.action == "reassigned":
        return gettext("to %(name)s", name=detail)
    if event.action == "failed":
        return gettext("see the error above")
    return detail
