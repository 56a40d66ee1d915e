"""Words reduced to their stems, per language, so that "berths" finds "berth" on SQLite.

FTS5 has no stemmer for most languages (its `porter` tokenizer is English only), so Tarjama
stems in Python with Snowball (`snowballstemmer`): the same function at index time and at
query time, so both sides agree. Languages Snowball does not know are only lower-cased.
PostgreSQL stems with its own text-search configurations instead (service/search.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

WORD = re.compile(r"\w+")
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


# Arabic-script text is typed several ways that readers take for the same word: Arabic or Persian
# kaf and yeh (keyboards differ), with or without short-vowel marks and the stretching tatweel,
# and with Persian, Arabic-Indic or ASCII digits. Index and query are folded to one spelling.
ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
PERSIAN_LETTERS = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ی"})


ARABIC_SCRIPT = ("fa", "ar", "ur", "ps")


def language_of(locale: str) -> str:
    return locale.split("-")[0].split("_")[0].lower()


def fold(text: str, locale: str) -> str:
    """`text` as the search index spells it: one form for letters and digits typed several ways."""
    language = language_of(locale)
    if language in ARABIC_SCRIPT:
        text = ARABIC_MARKS.sub("", text)
        if language == "fa":
            text = text.translate(PERSIAN_LETTERS)
    return text.translate(DIGITS)


@cache
def _stemmer(locale: str) -> Callable[[str], str]:
    import snowballstemmer

    language = SNOWBALL.get(language_of(locale))
    if language is None or language not in snowballstemmer.algorithms():
        return lambda word: word
    # Snowball in pure Python costs ~0.2 ms a word, and every published page is stemmed: a story's
    # words are mostly the language's common words, so remembering stems makes indexing cheap.
    return lru_cache(maxsize=100_000)(snowballstemmer.stemmer(language).stemWord)


def stem(word: str, locale: str) -> str:
    word = fold(word, locale).lower()
    return _stemmer(locale)(word) or word


def stems(text: str, locale: str) -> str:
    """Every word of `text` as its stem, space-separated: what the SQLite index holds."""
    stemmer = _stemmer(locale)
    return " ".join(stemmer(word.lower()) or word.lower() for word in WORD.findall(fold(text, locale)))
