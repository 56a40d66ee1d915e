"""Human words for the codes the domain uses (states, QA warnings, blocks), in the UI language."""

from __future__ import annotations

from babel.numbers import format_percent
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from service import confidence, revisions
from service.errors import DomainError
from service.l10n import native_digits

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
    "numbers_glued": _l("A number is stuck to a word"),
    "date_changed": _l("A date is missing or written differently from the source"),
    "acronym_missing": _l("An acronym of the source is missing"),
    "name_missing": _l("A name from the glossary is missing or was translated"),
    "term_missing": _l("A glossary term is not in its required translation"),
    "address_changed": _l("A web or e-mail address differs from the source"),
    "spans_placed": _l("Names, numbers or dates were placed automatically: check their position"),
    "pivot_words": _l("Words of the intermediate language were left untranslated"),
    "unknown_words": _l("The engine did not know some words and left them as they are"),
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
    "outdated": _l("the original was edited: translated again where it changed"),
}


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


def ui_message(error: DomainError) -> str:
    """A domain error's message in the UI language."""
    from service.web.wording import localised_params

    return gettext(error.template, **localised_params(error.params, error.template))


def percent(value: float) -> str:
    """A confidence as the UI language writes a percentage (42 %, ٪۴۲)."""
    locale = str(get_locale())
    return native_digits(format_percent(value, locale=locale), locale)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        percent=percent,
        low_confidence=confidence.is_low,
        state_label=state_label,
        warning_label=warning_label,
        block_label=block_label,
        origin_label=origin_label,
        event_label=event_label,
        word_diff=revisions.word_diff,
    )
    from service.web.wording import history_detail, role_label

    app.jinja_env.globals.update(role_label=role_label, history_detail=history_detail)
