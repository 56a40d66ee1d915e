"""Protected spans: take names, numbers, dates and links out of MT's reach, put them back the target's way.

Notation. Before MT, every protected span of a segment becomes a standalone tag numbered in
order of appearance, distinct from the markup placeholders `<g1>…</g1>` and `<x1/>`:

    <nK/>  a number (the engine treats it as a numeral: "<n1/> people" -> "<n1/> personas")
    <dK/>  a date with its preposition ("on June 30, 2018", "since 4 May"), an adverbial
    <tK/>  any other span: an acronym, a glossary term or name, a web or e-mail address (the
           engine treats it as a proper noun, so "the <t1/>'s report" -> "el informe de <t1/>")

"1,500 people died on June 30, 2018, the UN's report said" goes to the engine as
"<n1/> people died <d2/>, the <t3/>'s report said". Every engine carries the notation the same
way: Apertium analyses each tag as a numeral or a proper noun in every hop of a pivot (so the
Spanish leg of en->fr cannot translate it either), Argos gets the text without the tags and they
are put back at the same relative position. `restore` then replaces each tag with the span's
target form: "el 30 de junio de 2018", "la ONU", "1.500", with the article the target needs.
Stored drafts never contain these tags, only markup placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from service import glossary, spans, target_forms
from service.spans import DateParts, Found
from service.target_forms import Options

TOKEN = re.compile(r"<([ntd])(\d+)/>")
_SCALE = re.compile(r"\s+(million|billion|trillion)\b")
_POSSESSIVE = re.compile(r"^(?:’s|'s|’|')(?!\w)")
NUMERAL_KINDS = {spans.NUMBER, spans.PERCENT, spans.YEAR, spans.CODE}


@dataclass(frozen=True)
class Span:
    """One protected span: its source text, its target form, and what QA compares."""

    number: int
    kind: str  # spans.* kinds, or glossary.TERM / glossary.NAME
    source: str
    target: str
    value: Decimal | DateParts | None = None
    gender: str = ""
    article: bool = False  # es/fr: a full date in running text takes "el"/"le"
    core: str = ""  # what QA looks for in the draft: the date without its preposition/article

    @property
    def expected(self) -> str:
        return self.core or self.target

    @property
    def token(self) -> str:
        letter = "n" if self.kind in NUMERAL_KINDS else "d" if self.kind == spans.DATE else "t"
        return f"<{letter}{self.number}/>"


@dataclass
class Protected:
    source: str
    text: str  # what the engine translates
    spans: list[Span] = field(default_factory=list)


@dataclass
class Restored:
    text: str
    placed: list[Span] = field(default_factory=list)  # spans the engine lost, put back by position


def protect(
    text: str, locale: str, terms: list[glossary.Term], options: Options | None = None, source_locale: str = "en"
) -> Protected:
    """The segment with its spans replaced by tags, and each span's target form."""
    options = options or Options()
    found = spans.find(text, glossary.find(text, terms), english=source_locale.split("_")[0] == "en")
    out, position, made = [], 0, []
    for number, span in enumerate(found, start=1):
        scale = _SCALE.match(text, span.end) if span.currency else None
        item = _span(number, span, locale, options, scaled=bool(scale))
        made.append(item)
        out.append(text[position : span.start])
        out.append(item.token)
        position = span.end
        if scale:  # "$4.5 million" -> "<n1/> million dollars": the engine writes "millones de dólares"
            out.append(f" {scale.group(1)} {span.currency}")
            position = scale.end()
        elif item.token.startswith("<t"):
            possessive = _POSSESSIVE.match(text[position:])
            if possessive:  # engines know the ASCII genitive, not the typographic one
                out.append("'s" if possessive.group(0) in ("’s", "'s") else "'")
                position += possessive.end()
    out.append(text[position:])
    return Protected(source=text, text="".join(out), spans=made)


def _span(number: int, found: Found, locale: str, options: Options, scaled: bool) -> Span:
    if isinstance(found.value, glossary.Match):
        match = found.value
        return Span(number, found.kind, found.text, glossary.target_form(match, locale), gender=match.term.gender)
    if scaled and isinstance(found.value, Decimal):
        target = target_forms.number(found.value, locale)  # the currency is written out as a word
    else:
        target = target_forms.render(found, locale, options)
    article = target_forms.takes_article(found, locale)
    core = ""
    if isinstance(found.value, DateParts) and found.value.preposition:
        core = target_forms.render(replace(found, value=replace(found.value, preposition="")), locale, options)
    return Span(number, found.kind, found.text, target, value=found.value, article=article, core=core)


def strip_tokens(text: str) -> str:
    """The text without protected tags (for engines that cannot carry them); restore puts them back."""
    return " ".join(TOKEN.sub(" ", re.sub(r"(<t\d+/>)(?:'s|')(?!\w)", r"\1", text)).split())


# --- restore ----------------------------------------------------------------------------------

_ARTICLES = {
    "es": {"el", "la", "los", "las", "lo", "un", "una", "del", "al", "este", "esta", "ese", "esa"},
    "fr": {"le", "la", "les", "l'", "un", "une", "du", "au", "aux", "des", "ce", "cet", "cette"},
}
_CONTRACT = {"es": {"de": "del", "a": "al"}, "fr": {"de": "du", "à": "au"}}
_GENDERED = {
    "es": {
        "f": {"el": "la", "del": "de la", "al": "a la", "un": "una", "los": "las"},
        "mp": {"el": "los", "del": "de los", "al": "a los", "la": "los"},
        "fp": {"el": "las", "del": "de las", "al": "a las", "la": "las", "los": "las"},
    },
    "fr": {
        "f": {"le": "la", "du": "de la", "au": "à la", "un": "une"},
        "mp": {"le": "les", "du": "des", "au": "aux", "la": "les"},
        "fp": {"le": "les", "du": "des", "au": "aux", "la": "les"},
    },
}
_ELIDE = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ne": "n'", "se": "s'", "je": "j'", "jusque": "jusqu'"}
_LAST_WORD = re.compile(r"(\S+)(\s*)$")
_FRENCH_IN = re.compile(r"(^|\s|['’])en\s+(le|les)\s*$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s)[\s\"'“«(¿¡]*(?:<[gx]\d+/?>\s*)*$")


def restore(translated: str, protected: Protected, locale: str) -> Restored:
    """Replace the tags with the target forms; tags the engine lost are put back by position."""
    by_token = {span.token: span for span in protected.spans}
    present = {m.group(0) for m in TOKEN.finditer(translated)}
    missing = [span for span in protected.spans if span.token not in present]
    if missing:
        translated = _place(translated, protected, missing)
    language = locale.split("_")[0]
    out, position = "", 0
    for match in TOKEN.finditer(translated):
        span = by_token.get(match.group(0))
        before = out + translated[position : match.start()]
        position = match.end()
        if span is None:  # a tag the source never had: drop it
            out = before
            continue
        starts = bool(_SENTENCE_START.search(translated[: match.start()]))
        out = _join(before, span, language, translated[position:], starts)
    out += translated[position:]
    # collapse ASCII blanks only: the no-break spaces of "1 500" and "3,5 %" are the target's convention
    text = re.sub(r"[ \t\r\n]+", " ", out).strip().replace(" ,", ",").replace(" .", ".")
    return Restored(text, missing)


def _join(before: str, span: Span, language: str, after: str, starts_sentence: bool) -> str:
    form = span.target
    if language in _ARTICLES:
        before, form = _agree(before, span, form, language, whole=not before.strip() and not after.strip(" ."))
    if starts_sentence and form[:1].islower():
        form = form[0].upper() + form[1:]
    if before and (before[-1].isalnum() or before[-1] in ".,;:)") and not before.endswith(("'", "’")):
        before += " "
    if after[:1].isalnum():
        form += " "
    if form.endswith(".") and after.startswith("."):  # "EE. UU." at the end of a sentence
        form = form[:-1]
    return before + form


def _agree(before: str, span: Span, form: str, language: str, whole: bool) -> tuple[str, str]:
    """Spanish and French grammar at the seam: articles, contractions (del, au), gender, elision (l')."""
    article = target_forms.ARTICLES[language][0]
    if span.article and not whole and not form.startswith(article):
        form = article + form
    last = _LAST_WORD.search(before)
    word = last.group(1) if last else ""
    lower = word.lower().strip('«“"(')
    if form.startswith(article):
        if lower in _ARTICLES[language] or lower.endswith("'"):
            return before, form[len(article) :]
        contracted = _CONTRACT[language].get(lower)
        if contracted:
            return _replace_last(before, word, contracted), form[len(article) :]
    swapped = _GENDERED.get(language, {}).get(span.gender, {}).get(lower)
    if swapped:
        before = _replace_last(before, word, swapped)
        word = _LAST_WORD.search(before).group(1)
        lower = word.lower()
    french_in = _FRENCH_IN.search(before) if language == "fr" else None
    if french_in:  # "en le Canada", "en les États-Unis" (from Spanish "en el/los"): au, aux
        joined = {"le": "au", "les": "aux"}[french_in.group(2).lower()]
        return before[: french_in.start()] + french_in.group(1) + joined + " ", form
    if language == "fr" and lower in _ELIDE and form[:1].lower() in "aeiouéèêàâîôûh":
        last = _LAST_WORD.search(before)
        elided = _ELIDE[lower]
        elided = elided[0].upper() + elided[1:] if word[:1].isupper() else elided
        return before[: last.start()] + elided, form
    return before, form


def _replace_last(before: str, word: str, replacement: str) -> str:
    last = _LAST_WORD.search(before)
    if word[:1].isupper():
        replacement = replacement[0].upper() + replacement[1:]
    return before[: last.start()] + replacement + last.group(2)


def _place(translated: str, protected: Protected, missing: list[Span]) -> str:
    """Put lost tags where they were in the source, relative to its length, at word edges."""
    source = protected.text
    total = max(len(TOKEN.sub("", source)), 1)
    words = translated.split()
    slots: dict[int, list[str]] = {}
    removed = 0
    offsets = {}
    for match in TOKEN.finditer(source):
        offsets[match.group(0)] = match.start() - removed
        removed += len(match.group(0))
    for span in missing:
        slot = round(offsets.get(span.token, total) / total * len(words))
        slots.setdefault(min(slot, len(words)), []).append(span.token)
    out: list[str] = []
    for index in range(len(words) + 1):
        out.extend(slots.get(index, []))
        if index < len(words):
            out.append(words[index])
    return " ".join(out)
