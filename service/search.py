"""Full-text search over published pages, per locale, ranked, with highlighted snippets.

Each locale is searched on its own, so a query ranks only that locale's matches:
- SQLite: one FTS5 table per locale (`page_search_<locale>`, rowid = page id, bm25 ranking),
  made when the locale's first page is indexed. It indexes the words' stems
  (`service/stemming.py`, Snowball per language) and keeps the original title and body
  unindexed for export and for the snippet, which is cut and highlighted here.
- PostgreSQL: one table `page_search` (page id, locale, text, tsvector) with a GIN index on
  (locale, document) (btree_gin). Ranking every match of a very common word costs as much as
  there are matches, so the query ranks the `CANDIDATES` most recently published matches
  (`ts_rank_cd`); rarer words have fewer matches than that and are ranked in full. Either way
  the work is bounded, whatever the archive's size.
Publishing (re)indexes one page by its id, an index lookup on both databases.

How a locale's words are analysed (stemming, diacritics) is `Analyzer`, one per locale.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from service import stemming

START, STOP = "\x02", "\x03"
CANDIDATES = 100
PG_CONFIGS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "ar": "arabic"}


@dataclass(frozen=True)
class Analyzer:
    pg_config: str  # a PostgreSQL text search configuration
    fts5_tokenizer: str  # an FTS5 tokenize= argument


def analyzer(locale: str) -> Analyzer:
    return Analyzer(PG_CONFIGS.get(locale, "simple"), "unicode61 remove_diacritics 2")


@dataclass
class Hit:
    page_id: int
    snippet_html: str


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def fts_table(locale: str) -> str:
    """SQLite's FTS5 table of one locale (locale codes are letters, digits, - and _)."""
    return "page_search_" + re.sub(r"[^a-z0-9]+", "_", locale.lower())


def index_page(session: Session, page_id: int, locale: str, title: str, body: str, new: bool = False) -> None:
    """(Re)index one page; publishing twice leaves one entry. `new`: the page was never indexed."""
    if _dialect(session) == "sqlite":
        _sqlite_index(session, page_id, locale, title, body, new)
    else:
        _pg_index(session, page_id, locale, title, body)


def remove_page(session: Session, page_id: int, locale: str) -> None:
    """Drop a page from the index (a deleted post)."""
    if _dialect(session) == "sqlite":
        if session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = :table"), {"table": fts_table(locale)}):
            session.execute(text(f"DELETE FROM {fts_table(locale)} WHERE rowid = :page_id"), {"page_id": page_id})
    else:
        session.execute(text("DELETE FROM page_search WHERE page_id = :page_id"), {"page_id": page_id})


def search(session: Session, locale: str, query: str, limit: int = 20) -> list[Hit]:
    """Pages of `locale` containing every word of the query, best first."""
    words = re.findall(r"\w+", stemming.fold(query, locale))[:12]
    if not words:
        return []
    if _dialect(session) == "sqlite":
        rows = _sqlite_search(session, locale, words, limit)
        return [Hit(int(page_id), highlight(cut_snippet(body or "", words, locale))) for page_id, body in rows]
    rows = _pg_search(session, locale, words, limit)
    return [Hit(int(page_id), highlight(snippet or "")) for page_id, snippet in rows]


def cut_snippet(body: str, words: list[str], locale: str, size: int = 20) -> str:
    """About `size` words of the body around its first match, every matching word marked.

    A word matches when its stem is one of the query's stems, as in the index.
    """
    wanted = {stemming.stem(word, locale) for word in words}
    tokens = [m for m in stemming.WORD.finditer(body)]
    hits = [i for i, m in enumerate(tokens) if stemming.stem(m.group(), locale) in wanted]
    if not tokens:
        return ""
    first = max(0, (hits[0] if hits else 0) - size // 4)
    last = min(len(tokens), first + size) - 1
    start, end = tokens[first].start() if first else 0, tokens[last].end()
    pieces, cursor = [], start
    for i in hits:
        if first <= i <= last:
            match = tokens[i]
            pieces += [body[cursor : match.start()], START, match.group(), STOP]
            cursor = match.end()
    pieces.append(body[cursor:end])
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(body.rstrip()) else "")


def indexed(connection: Connection) -> Iterator[tuple[int, str, str, str]]:
    """Every indexed page as (page id, locale, title, body), by page id: what export carries."""
    if connection.dialect.name != "sqlite":
        yield from connection.execute(text("SELECT page_id, locale, title, body FROM page_search ORDER BY page_id"))
        return
    locales = connection.scalars(text("SELECT DISTINCT locale FROM published_pages ORDER BY locale")).all()
    for locale in locales:
        table = fts_table(locale)
        if connection.scalar(text("SELECT 1 FROM sqlite_master WHERE name = :table"), {"table": table}):
            for page_id, title, body in connection.execute(text(f"SELECT rowid, title, body FROM {table}")):
                yield page_id, locale, title, body


def indexed_count(connection: Connection) -> int:
    return sum(1 for _ in indexed(connection))


def highlight(snippet: str) -> str:
    """Escape the snippet, then turn the engine's markers into <mark> elements."""
    return html.escape(snippet, quote=False).replace(START, "<mark>").replace(STOP, "</mark>")


def _sqlite_index(session: Session, page_id: int, locale: str, title: str, body: str, new: bool) -> None:
    table = fts_table(locale)
    session.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            f"title UNINDEXED, body UNINDEXED, title_stems, body_stems, tokenize='{analyzer(locale).fts5_tokenizer}')"
        )
    )
    if not new:
        session.execute(text(f"DELETE FROM {table} WHERE rowid = :page_id"), {"page_id": page_id})
    session.execute(
        text(
            f"INSERT INTO {table} (rowid, title, body, title_stems, body_stems) "
            "VALUES (:page_id, :title, :body, :title_stems, :body_stems)"
        ),
        {
            "page_id": page_id,
            "title": title,
            "body": body,
            "title_stems": stemming.stems(title, locale),
            "body_stems": stemming.stems(body, locale),
        },
    )


def _sqlite_search(session: Session, locale: str, words: list[str], limit: int):
    table = fts_table(locale)
    if not session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = :table"), {"table": table}):
        return []
    return session.execute(
        text(
            f"SELECT rowid, body FROM {table} "
            f"WHERE {table} MATCH :match ORDER BY bm25({table}, 0.0, 0.0, 10.0, 1.0) LIMIT :limit"
        ),
        {"match": " ".join(f'"{stemming.stem(word, locale)}"' for word in words), "limit": limit},
    )


def _pg_index(session: Session, page_id: int, locale: str, title: str, body: str) -> None:
    session.execute(
        text(
            "INSERT INTO page_search (page_id, locale, title, body, document) VALUES (:page_id, :locale, :title, :body, "
            "setweight(to_tsvector(CAST(:config AS regconfig), :title_folded), 'A') || "
            "setweight(to_tsvector(CAST(:config AS regconfig), :body_folded), 'B')) "
            "ON CONFLICT (page_id) DO UPDATE SET locale = EXCLUDED.locale, title = EXCLUDED.title, "
            "body = EXCLUDED.body, document = EXCLUDED.document"
        ),
        {
            "page_id": page_id,
            "locale": locale,
            "title": title,
            "body": body,
            "title_folded": stemming.fold(title, locale),
            "body_folded": stemming.fold(body, locale),
            "config": analyzer(locale).pg_config,
        },
    )


def _pg_search(session: Session, locale: str, words: list[str], limit: int):
    """Rank the CANDIDATES most recently published matches (all of them for rarer words).

    PostgreSQL either takes the few matches of a rare word from the GIN index, or walks the pages
    newest first and stops after CANDIDATES matches of a common one; both read a bounded number
    of rows. Plans are made for each query's own words (a generic plan would pick one way for
    every word), without parallel workers (their start-up costs more than this query).
    """
    session.execute(
        text(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
    )
    return session.execute(
        text(
            "SELECT page_id, ts_headline(CAST(:config AS regconfig), body, query, :options) FROM ("
            "  SELECT page_id, body, document FROM page_search"
            "  WHERE locale = :locale AND document @@ plainto_tsquery(CAST(:config AS regconfig), :query)"
            "  ORDER BY page_id DESC LIMIT :candidates"
            ") AS candidates, plainto_tsquery(CAST(:config AS regconfig), :query) AS query "
            "ORDER BY ts_rank_cd(document, query) DESC, page_id DESC LIMIT :limit"
        ),
        {
            "config": analyzer(locale).pg_config,
            "query": " ".join(words),
            "locale": locale,
            "limit": limit,
            "candidates": CANDIDATES,
            "options": f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12",
        },
    )
