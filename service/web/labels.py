"""Human words for the codes the domain uses (states, QA warnings, blocks), in the UI language."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from service.errors import DomainError

STATE_LABELS = {
    "queued": _l("Queued"),
    "translating": _l("Translating"),
    "awaiting_review": _l("Awaiting review"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "rejected": _l("Rejected"),
    "outdated": _l("Outdated"),
    "failed": _l("Failed"),
}
WARNING_LABELS = {
    "numbers_changed": _l("Numbers differ from the source"),
    "markup_lost": _l("A link or formatting mark is missing"),
    "markup_moved": _l("Link or formatting was placed automatically: check its position"),
    "untranslated": _l("Same as the source: not translated?"),
    "length_ratio": _l("Length very different from the source"),
    "empty": _l("Empty"),
}
BLOCK_LABELS = {
    "title": _l("Title"),
    "lede": _l("Lede"),
    "heading": _l("Heading"),
    "paragraph": _l("Paragraph"),
    "list_item": _l("List item"),
    "quote": _l("Quote"),
    "caption": _l("Caption"),
    "alt": _l("Image description"),
}
ORIGIN_LABELS = {"mt": _l("Machine"), "tm": _l("Memory"), "human": _l("Human")}


def state_label(code: str) -> str:
    return str(STATE_LABELS.get(code, code))


def warning_label(code: str) -> str:
    return str(WARNING_LABELS.get(code, code))


def block_label(code: str) -> str:
    return str(BLOCK_LABELS.get(code, code))


def origin_label(code: str) -> str:
    return str(ORIGIN_LABELS.get(code, code))


EVENT_LABELS = {
    "queued": _l("queued for machine translation"),
    "drafted": _l("machine translation finished"),
    "failed": _l("machine translation failed"),
    "requeued": _l("queued again"),
    "retried": _l("retry requested"),
    "claimed": _l("claimed"),
    "released": _l("released"),
    "reassigned": _l("reassigned"),
    "edited": _l("edited"),
    "approved": _l("approved"),
    "published": _l("published"),
    "rejected": _l("rejected"),
    "xliff_imported": _l("XLIFF file imported"),
}


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


def ui_message(error: DomainError) -> str:
    """A domain error's message in the UI language."""
    return gettext(error.template, **error.params)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        state_label=state_label,
        warning_label=warning_label,
        block_label=block_label,
        origin_label=origin_label,
        event_label=event_label,
    )
