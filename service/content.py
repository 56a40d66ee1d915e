"""Turn an editor's body (plain text, HTML or Markdown) into one safe HTML subset.

Everything after intake (segmentation, publishing, reader pages) can then trust the HTML:
nh3 removes scripts, styles, event handlers and unsafe URLs, and only the tags a news story
needs survive.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

FORMATS = ("text", "html", "markdown")
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption"}
INLINE_TAGS = {"a", "strong", "em", "b", "i", "code", "br"}
ALLOWED_TAGS = BLOCK_TAGS | INLINE_TAGS | {"img"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False})
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def sanitise_html(raw: str) -> str:
    """Keep only the safe subset; top-level headings become h2 (the title is the page's h1)."""
    return nh3.clean(
        _H1.sub(r"<\1h2", raw),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    ).strip()


def text_to_html(text: str) -> str:
    """Paragraphs are separated by blank lines; single line breaks are spaces."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(f"<p>{html.escape(' '.join(p.split()), quote=False)}</p>" for p in paragraphs)


def body_to_safe_html(body: str, body_format: str) -> str:
    if body_format == "text":
        return text_to_html(body)
    if body_format == "markdown":
        return sanitise_html(_markdown.render(body))
    if body_format == "html":
        return sanitise_html(body)
    raise ValueError(f"unknown body format {body_format!r}; use one of {', '.join(FORMATS)}")
