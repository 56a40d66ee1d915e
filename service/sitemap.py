"""Sitemaps for search engines: numbered parts of at most 1,000 posts each, and an index.

A post's part follows from its id alone, so parts never reshuffle: publishing a post changes
(and invalidates, through the cache scope "map:N") only the part that holds it, and the index
lists each part with the time it last changed. Parts are written as plain strings, one row at a
time: no template and no url_for per URL, so 10,000 URLs take milliseconds, not seconds.
With up to 10 locales a part stays within 10,000 URLs (the protocol allows 50,000).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import groupby
from urllib.parse import quote
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from service import site
from service.models import as_utc

POSTS_PER_PART = 1000
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def part_of(post_id: int) -> int:
    return (post_id - 1) // POSTS_PER_PART + 1


def scope(part: int) -> str:
    """The page-cache scope of one part (service.cache)."""
    return f"map:{part}"


def part_count(session: Session) -> int:
    last = site.last_post_id(session)
    return part_of(last) if last else 0


def w3c_time(moment: datetime) -> str:
    return as_utc(moment).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def part_xml(session: Session, part: int, post_url: Callable[[str], str]) -> Iterator[str]:
    """The urlset of one part, in chunks; `post_url(locale)` gives the URL prefix of that locale's posts."""
    first = (part - 1) * POSTS_PER_PART + 1
    rows = site.sitemap_rows(session, first, first + POSTS_PER_PART - 1)
    prefixes: dict[str, str] = {}

    def prefix(locale: str) -> str:
        if locale not in prefixes:
            prefixes[locale] = escape(post_url(locale))
        return prefixes[locale]

    yield HEADER
    for _post_id, pages in groupby(rows, key=lambda row: row.post_id):
        pages = list(pages)
        slug, source = quote(pages[0].slug, safe=""), pages[0].source_locale
        urls = [prefix(page.locale) + slug for page in pages]
        links = "".join(
            f'    <xhtml:link rel="alternate" hreflang="{page.locale}" href="{url}"/>\n'
            for page, url in zip(pages, urls, strict=True)
        )
        links += f'    <xhtml:link rel="alternate" hreflang="x-default" href="{prefix(source) + slug}"/>\n'
        yield "".join(
            f"  <url>\n    <loc>{url}</loc>\n    <lastmod>{w3c_time(page.updated_at)}</lastmod>\n{links}  </url>\n"
            for page, url in zip(pages, urls, strict=True)
        )
    yield "</urlset>\n"


def index_xml(parts: Iterable[tuple[str, datetime | None]]) -> Iterator[str]:
    """The sitemap index: (URL of a part, when it last changed) for each part."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    for url, changed_at in parts:
        lastmod = f"<lastmod>{w3c_time(changed_at)}</lastmod>" if changed_at else ""
        yield f"  <sitemap><loc>{escape(url)}</loc>{lastmod}</sitemap>\n"
    yield "</sitemapindex>\n"
