"""Full-text search over published pages, per locale, ranked, with highlighted snippets.

SQLite uses an FTS5 table (bm25 ranking, `snippet()`), PostgreSQL a tsvector column with a
GIN index (`ts_rank_cd`, `ts_headline`) and the language's stemming where it has one.
Both are created by migration 0003 and filled here at publish time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

PG_CONFIGS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "ar": "arabic"}
START, STOP = "\x02", "\x03"


@dataclass
class Hit:
    page_id: int
    snippet_html: str


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_page(session: Session, page_id: int, locale: str, title: str, body: str) -> None:
    """(Re)index one page; publishing twice leaves one entry."""
    params = {"page_id": page_id, "locale": locale, "title": title, "body": body}
    if _dialect(session) == "sqlite":
        session.execute(text("DELETE FROM page_search WHERE page_id = :page_id"), params)
        session.execute(
            text("INSERT INTO page_search (title, body, locale, page_id) VALUES (:title, :body, :locale, :page_id)"),
            params,
        )
        return
    params["config"] = PG_CONFIGS.get(locale, "simple")
    session.execute(
        text(
            "INSERT INTO page_search (page_id, locale, title, body, document) VALUES (:page_id, :locale, :title, :body, "
            "setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A') || "
            "setweight(to_tsvector(CAST(:config AS regconfig), :body), 'B')) "
            "ON CONFLICT (page_id) DO UPDATE SET locale = EXCLUDED.locale, title = EXCLUDED.title, "
            "body = EXCLUDED.body, document = EXCLUDED.document"
        ),
        params,
    )


def search(session: Session, locale: str, query: str, limit: int = 20) -> list[Hit]:
    """Pages of `locale` containing every word of the query, best first."""
    words = re.findall(r"\w+", query)[:12]
    if not words:
        return []
    if _dialect(session) == "sqlite":
        rows = session.execute(
            text(
                f"SELECT page_id, snippet(page_search, 1, '{START}', '{STOP}', '…', 20) FROM page_search "
                "WHERE page_search MATCH :match AND locale = :locale ORDER BY bm25(page_search, 10.0, 1.0) LIMIT :limit"
            ),
            {"match": " ".join(f'"{word}"' for word in words), "locale": locale, "limit": limit},
        )
    else:
        rows = session.execute(
            text(
                "SELECT page_id, ts_headline(CAST(:config AS regconfig), body, query, :options) FROM page_search, "
                "plainto_tsquery(CAST(:config AS regconfig), :query) AS query "
                "WHERE locale = :locale AND document @@ query ORDER BY ts_rank_cd(document, query) DESC, page_id LIMIT :limit"
            ),
            {
                "config": PG_CONFIGS.get(locale, "simple"),
                "query": " ".join(words),
                "locale": locale,
                "limit": limit,
                "options": f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=…",
            },
        )
    return [Hit(int(page_id), highlight(snippet or "")) for page_id, snippet in rows]


def highlight(snippet: str) -> str:
    """Escape the snippet, then turn the engine's markers into <mark> elements."""
    return html.escape(snippet, quote=False).replace(START, "<mark>").replace(STOP, "</mark>")
