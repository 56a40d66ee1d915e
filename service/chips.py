"""What the editor's markup chips show: the kind of each placeholder and, for a link, its target.

The real tags stay in the segment's `markup` (see segments.py); the editor only needs to know
that g1 is a link to https://… and g2 is italics, to draw and title the chips.
"""

from __future__ import annotations

import html
import re

KINDS = {"a": "link", "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "br": "break"}
_HREF = re.compile(r"""\shref=(?:"([^"]*)"|'([^']*)')""")


def chip_info(markup: dict[str, str]) -> dict[str, dict[str, str]]:
    """{"g1": {"kind": "link", "href": "https://…"}, "g2": {"kind": "italic"}} for one segment."""
    info: dict[str, dict[str, str]] = {}
    for key, opening in (markup or {}).items():
        tag = re.match(r"<(\w+)", opening)
        entry = {"kind": KINDS.get(tag.group(1).lower() if tag else "", "format")}
        href = _HREF.search(opening)
        if href:
            entry["href"] = html.unescape(href.group(1) or href.group(2) or "")
        info[key] = entry
    return info
