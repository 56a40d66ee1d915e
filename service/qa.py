"""Quality checks on a draft segment: what a translator should look at twice."""

from __future__ import annotations

import re
import unicodedata

from service.segments import placeholders_of, plain

_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")

NUMBERS_CHANGED = "numbers_changed"
MARKUP_LOST = "markup_lost"
MARKUP_MOVED = "markup_moved"
UNTRANSLATED = "untranslated"
LENGTH_RATIO = "length_ratio"
EMPTY = "empty"


def numbers_in(text: str) -> list[str]:
    """Numbers in any script and notation, compared by value: 1,200 == 1.200 == ۱۲۰۰; 3.5 == 3,5."""
    ascii_text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    found = []
    for match in _NUMBER.finditer(ascii_text):
        number = re.sub(r"[.,\u066b\u066c](?=\d{3}(?!\d))", "", match.group(0))
        found.append(re.sub(r"[,\u066b]", ".", number))
    return sorted(found)


def check_segment(source: str, draft: str) -> list[str]:
    warnings = []
    source_plain, draft_plain = plain(source), plain(draft)
    if not draft_plain:
        return [EMPTY]
    if numbers_in(source_plain) != numbers_in(draft_plain):
        warnings.append(NUMBERS_CHANGED)
    if sorted(placeholders_of(source)) != sorted(placeholders_of(draft)):
        warnings.append(MARKUP_LOST)
    if (
        len(source_plain) > 3
        and source_plain.casefold() == draft_plain.casefold()
        and any(c.isalpha() for c in source_plain)
    ):
        warnings.append(UNTRANSLATED)
    ratio = len(draft_plain) / max(len(source_plain), 1)
    if len(source_plain) >= 20 and not 0.4 <= ratio <= 2.5:
        warnings.append(LENGTH_RATIO)
    return warnings
