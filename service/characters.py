"""Characters no stored text may hold, and characters that hide what a one-line label says.

- A NUL byte or a lone surrogate cannot be stored: PostgreSQL refuses NUL in text, and a lone
  surrogate (legal as a JSON escape) is not UTF-8. Such input is refused, naming the field,
  before it reaches the database.
- A title, tag or author made only of format characters (zero-width spaces and joiners, bidi
  marks and overrides, soft hyphens) looks empty on every page: refused.
- Bidi embeddings, overrides and isolates in one-line fields can make a title read backwards
  and spill into the text around it (the "RLO filename" trick): they are removed.
"""

from __future__ import annotations

import re
import unicodedata

from service.errors import N_, InvalidInput

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def refuse_unstorable(value: str, field: str) -> None:
    if UNSTORABLE.search(value):
        raise InvalidInput(
            N_("%(name)s contains a character that cannot be stored (a NUL byte or a lone surrogate)"),
            field=field,
            params={"name": field},
        )


def neutralise_bidi(value: str) -> str:
    return BIDI_CONTROLS.sub("", value)


def is_visible(value: str) -> bool:
    """True when some character shows: a letter, mark, number, punctuation or symbol."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in value)


def refuse_invisible(value: str, field: str) -> None:
    if value and not is_visible(value):
        raise InvalidInput(
            N_("%(name)s has no visible characters (only spaces, zero-width or direction marks)"),
            field=field,
            params={"name": field},
        )
