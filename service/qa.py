"""Quality checks on a draft segment: what a translator should look at twice.

The checks that matter most are the ones a reader notices first: a number with another value
("1,500 personas" reads as one and a half in Spanish) or glued into a word ("niñode18años"), a
date, an acronym, a name or a glossary term missing from the draft. They compare the draft with
the forms `service/protect.py` expects in the target language, so a number written the target's
way ("1.500", "۱٬۵۰۰") or a date in the Solar Hijri calendar is not a false alarm. The engine's
own doubts come in too: words Apertium did not know, and pivot-language words left in the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from babel import Locale

from service import glossary, protect, spans, target_forms
from service.segments import placeholders_of, plain

EMPTY = "empty"
NUMBERS_CHANGED = "numbers_changed"
NUMBERS_GLUED = "numbers_glued"
DATE_CHANGED = "date_changed"
ACRONYM_MISSING = "acronym_missing"
NAME_MISSING = "name_missing"
TERM_MISSING = "term_missing"
ADDRESS_CHANGED = "address_changed"
MARKUP_LOST = "markup_lost"
MARKUP_MOVED = "markup_moved"
SPANS_PLACED = "spans_placed"
PIVOT_WORDS = "pivot_words"
UNKNOWN_WORDS = "unknown_words"
UNTRANSLATED = "untranslated"
LENGTH_RATIO = "length_ratio"

# Damage to what readers check first; the fidelity benchmark measures how many such segments QA flags.
DAMAGE = frozenset({NUMBERS_CHANGED, NUMBERS_GLUED, DATE_CHANGED, ACRONYM_MISSING, NAME_MISSING, TERM_MISSING})
_SPAN_WARNING = {
    spans.DATE: DATE_CHANGED,
    spans.ACRONYM: ACRONYM_MISSING,
    spans.URL: ADDRESS_CHANGED,
    spans.EMAIL: ADDRESS_CHANGED,
    spans.HANDLE: ADDRESS_CHANGED,
    glossary.NAME: NAME_MISSING,
    glossary.TERM: TERM_MISSING,
}
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u202f\u00a0]\d+)*")
_SPACED_NUMBER = re.compile(r"\d+(?:(?:[.,\u202f\u00a0]|(?<=\d) (?=\d{3}(?!\d)))\d+)*")  # "1 500" in French
_GLUED = re.compile(r"[^\W\d_]\d|\d(?!(?:er|re|e|ème|ème|º|ª|st|nd|rd|th|h|s)\b)[^\W\d_]")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))


def check_segment(
    source: str,
    draft: str,
    locale: str | None = None,
    terms: Sequence[glossary.Term] = (),
    *,
    options: target_forms.Options | None = None,
    protected: protect.Protected | None = None,
    unknown: Sequence[str] = (),
    leftover: Sequence[str] = (),
    moved: bool = False,
    placed: bool = False,
) -> list[str]:
    """Warning codes for one draft segment; `locale` turns on the checks of protected spans."""
    source_plain, draft_plain = plain(source), plain(draft)
    if not draft_plain:
        return [EMPTY]
    warnings: list[str] = []
    if locale is None:
        if _generic_numbers(source_plain) != _generic_numbers(draft_plain):
            warnings.append(NUMBERS_CHANGED)
    else:
        protected = protected or protect.protect(source, locale, list(terms), options)
        warnings += _span_checks(protected, draft_plain, locale, options or target_forms.Options())
    if _glued(draft_plain) > _glued(source_plain):
        warnings.append(NUMBERS_GLUED)
    if sorted(placeholders_of(source)) != sorted(placeholders_of(draft)):
        warnings.append(MARKUP_LOST)
    if moved:
        warnings.append(MARKUP_MOVED)
    if placed:
        warnings.append(SPANS_PLACED)
    if leftover:
        warnings.append(PIVOT_WORDS)
    if unknown:
        warnings.append(UNKNOWN_WORDS)
    remainder = protect.TOKEN.sub(" ", plain(protected.text)) if protected else source_plain
    if source_plain.casefold() == draft_plain.casefold() and _translatable_words(remainder) >= 2:
        warnings.append(UNTRANSLATED)
    ratio = len(draft_plain) / max(len(source_plain), 1)
    if len(source_plain) >= 20 and not 0.4 <= ratio <= 2.5:
        warnings.append(LENGTH_RATIO)
    return list(dict.fromkeys(warnings))


def _translatable_words(text: str) -> int:
    """Words a translation would change: a caption that is only a name has none."""
    return sum(1 for word in re.findall(r"[^\W\d_][\w'’-]*", text) if word[:1].islower() and len(word) > 1)


def _span_checks(protected: protect.Protected, draft: str, locale: str, options: target_forms.Options) -> list[str]:
    warnings = []
    if not _numbers_match(protected, draft, locale, options):
        warnings.append(NUMBERS_CHANGED)
    for span in protected.spans:
        code = _SPAN_WARNING.get(span.kind)
        if code and not _present(span, draft, locale, options):
            warnings.append(code)
    return warnings


def _present(span: protect.Span, draft: str, locale: str, options: target_forms.Options) -> bool:
    forms = {span.expected, span.target}
    if span.kind == spans.DATE:
        forms.add(_other_calendar(span, locale, options))
        forms |= {form.replace("1er ", "1 ", 1) for form in forms if form}  # "1 mai" for "1er mai"
    ignore_case = span.kind == spans.DATE or (span.kind == glossary.TERM and not _capitals_inside(span.target))
    flags = re.IGNORECASE if ignore_case else 0
    ending = r"(?:s|es|x)?(?!\w)" if span.kind == glossary.TERM else r"(?!\w)"  # a term may be in the plural
    return any(re.search(rf"(?<!\w){_first_any_case(form)}{ending}", draft, flags) for form in forms if form)


def _first_any_case(form: str) -> str:
    """A term may open the sentence: "Presidente del Gobierno" is "presidente del Gobierno"."""
    first = form[:1]
    if first.lower() == first.upper():
        return re.escape(form)
    return f"[{re.escape(first.lower())}{re.escape(first.upper())}]{re.escape(form[1:])}"


def _capitals_inside(term: str) -> bool:
    """ "OTAN", "EE. UU.": case matters; "presidente del Gobierno": any case at the start of a sentence."""
    return any(c.isupper() for c in term[1:])


def _other_calendar(span: protect.Span, locale: str, options: target_forms.Options) -> str:
    """A Persian translator may write either calendar; both are right."""
    if not locale.startswith("fa") or not isinstance(span.value, spans.DateParts):
        return ""
    other = replace(options, solar_hijri=not options.solar_hijri)
    found = spans.Found(0, 0, spans.DATE, span.source, replace(span.value, preposition=""))
    return target_forms.render(found, locale, other)


def _numbers_match(protected: protect.Protected, draft: str, locale: str, options: target_forms.Options) -> bool:
    """Every number of the source, by value, in the draft, read the way the target writes numbers."""
    remainder = _ORDINAL.sub(" ", plain(protect.TOKEN.sub(" ", protected.text)))  # "19th" may become "XIX"
    outside = numbers_in(remainder, "en")
    for span in protected.spans:  # digits inside an address, acronym or name are not numbers to compare
        if span.kind in _SPAN_WARNING and span.kind != spans.DATE:
            draft = draft.replace(span.target, " ")
    found = Counter(numbers_in(draft, locale))
    for calendar in (options.solar_hijri, not options.solar_hijri) if locale.startswith("fa") else (None,):
        expected = Counter(outside)
        for span in protected.spans:
            form = span.expected
            if calendar is not None and span.kind == spans.DATE:
                form = _other_calendar(span, locale, options) if calendar != options.solar_hijri else form
            if span.kind not in _SPAN_WARNING or span.kind == spans.DATE:
                expected.update(numbers_in(form, locale))
        if not expected - found:  # every number of the source is there (the draft may add an ordinal)
            return True
    return False


def numbers_in(text: str, locale: str) -> list[Decimal]:
    """Numbers by value, read with the locale's signs: "1.500" is 1500 in es, "1,500" is 1.5 there."""
    language = locale.split("_")[0]
    symbols = _symbols(language)
    ascii_text = _ascii_digits(text)
    pattern = _SPACED_NUMBER if symbols[0] in "\u202f\u00a0 " else _NUMBER
    return [value for token in pattern.findall(ascii_text) if (value := _value(token, *symbols)) is not None]


def _symbols(language: str) -> tuple[str, str]:
    parsed = Locale.parse(language)
    table = parsed.number_symbols[parsed.default_numbering_system]
    return table.get("group", ","), table.get("decimal", ".")


def _value(token: str, group: str, decimal: str) -> Decimal | None:
    parts = re.split(r"\D", token)
    seps = re.findall(r"\D", token)
    kinds = []
    for index, sep in enumerate(seps):
        if sep == decimal or (sep in ",." and decimal not in ",." and sep == "."):
            kinds.append("D")
        elif sep == group or sep in "\u202f\u00a0 " or (sep == "," and group not in ",."):
            kinds.append("G")
        else:  # a sign the locale does not use: grouping before three digits, else a decimal point
            kinds.append("G" if len(parts[index + 1]) == 3 else "D")
    if kinds.count("D") == 0 and kinds and any(len(part) != 3 for part in parts[1:]) and len(kinds) == 1:
        kinds = ["D"]  # "3.5" where "." groups: a reader still sees three and a half
    if kinds.count("D") > 1:
        return None
    whole = "".join(parts[: kinds.index("D") + 1]) if "D" in kinds else "".join(parts)
    fraction = parts[-1] if "D" in kinds else ""
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole).normalize()
    except InvalidOperation:
        return None


def _ascii_digits(text: str) -> str:
    text = text.translate(_INVISIBLE)
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def _glued(text: str) -> int:
    return len(_GLUED.findall(_ascii_digits(text)))


def _generic_numbers(text: str) -> list[str]:
    """Without a target locale: 1,200 == 1.200 == ۱۲۰۰; 3.5 == 3,5."""
    found = []
    for token in re.findall(r"\d+(?:[.,\u066b\u066c]\d+)*", _ascii_digits(text)):
        number = re.sub(r"[.,\u066b\u066c](?=\d{3}(?!\d))", "", token)
        found.append(re.sub(r"[,\u066b]", ".", number))
    return sorted(found)
