"""A large published archive for the reader, search and sitemap benchmarks, made fast and kept.

The data is written with bulk SQL (COPY on PostgreSQL, executemany on SQLite) into a database at
schema revision 0003, the schema of the code before issue 11. `prepare()` then copies it and
upgrades the copy with Alembic, so the new code reads data that went through the real upgrade path
(backfills included) and the old code can be measured on the very same rows.

Posts have one page per locale in en, es, fr, de, fa (ar stays empty), 2-4 tags from a skewed
distribution ("city" on about 30% of posts), one category, and text where a shared name
("Valdoria") is in about 20% of pages of every locale and another ("Quillfeather") in about 0.05%.
Rows nobody reads on reader pages (segments, translations) are left out.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

DATA_DIR = Path("/work/benchdata/scale")
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:55432"
LOCALES = ("en", "es", "fr", "de", "fa")
COMMON_WORD, RARE_WORD = "Valdoria", "Quillfeather"
OLD_REVISION = "0003"
PG_CONFIGS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "ar": "arabic"}
SYLLABLES = {
    "en": [
        "ba",
        "be",
        "bi",
        "bo",
        "ca",
        "ce",
        "co",
        "da",
        "de",
        "do",
        "fa",
        "fe",
        "ga",
        "ge",
        "ha",
        "he",
        "ka",
        "ke",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "me",
        "mo",
        "na",
        "ne",
        "no",
        "pa",
        "pe",
        "ra",
        "re",
        "ro",
        "sa",
        "se",
        "so",
        "ta",
        "te",
        "to",
    ],
    "es": [
        "ba",
        "be",
        "bi",
        "bo",
        "ca",
        "ce",
        "ci",
        "co",
        "da",
        "de",
        "di",
        "do",
        "fa",
        "fe",
        "ga",
        "go",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "me",
        "mi",
        "mo",
        "na",
        "ne",
        "ni",
        "no",
        "pa",
        "pe",
        "ra",
        "re",
        "ri",
        "ro",
        "sa",
        "se",
        "si",
        "so",
        "ta",
        "te",
    ],
    "fr": [
        "bai",
        "beu",
        "bou",
        "cai",
        "ceu",
        "chou",
        "dai",
        "deu",
        "fou",
        "gai",
        "jeu",
        "lai",
        "leu",
        "mou",
        "nai",
        "neu",
        "pai",
        "peu",
        "rai",
        "reu",
        "sou",
        "tai",
        "teu",
        "vou",
    ],
    "de": [
        "ba",
        "be",
        "bi",
        "ber",
        "da",
        "de",
        "der",
        "fa",
        "fe",
        "ga",
        "ge",
        "ha",
        "he",
        "ka",
        "ke",
        "la",
        "le",
        "ma",
        "me",
        "na",
        "ne",
        "ra",
        "re",
        "sa",
        "sch",
        "st",
        "ta",
        "te",
    ],
    "fa": [
        "با",
        "به",
        "بی",
        "دا",
        "ده",
        "دی",
        "را",
        "ره",
        "ری",
        "سا",
        "سه",
        "سی",
        "کا",
        "که",
        "کی",
        "لا",
        "له",
        "لی",
        "ما",
        "مه",
        "می",
        "نا",
        "نه",
        "نی",
    ],
}
TAGS = 200
CATEGORIES = 12


def vocabulary(locale: str, size: int = 4000) -> list[str]:
    rng = random.Random(f"vocab-{locale}")
    words: set[str] = set()
    syllables = SYLLABLES[locale]
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Texts for every page of a post, same shape in every locale."""

    def __init__(self) -> None:
        self.words = {locale: vocabulary(locale) for locale in LOCALES}
        # Zipf-like weights: a few words are very common, most are rare.
        self.weights = [1 / (rank + 1) for rank in range(4000)]

    def texts(self, rng: random.Random, number: int) -> dict[str, tuple[str, str, str]]:
        """(title, lede, body) per locale; body is three paragraphs separated by blank lines."""
        title_idx = rng.choices(range(4000), self.weights, k=7)
        lede_idx = rng.choices(range(4000), self.weights, k=18)
        body_idx = [rng.choices(range(4000), self.weights, k=40) for _ in range(3)]
        common = rng.random() < 0.2
        rare = rng.random() < 0.0005
        result = {}
        for locale in LOCALES:
            vocab = self.words[locale]
            title = " ".join(vocab[i] for i in title_idx).capitalize() + f" {number}"
            lede = " ".join(vocab[i] for i in lede_idx).capitalize() + "."
            paragraphs = [" ".join(vocab[i] for i in part).capitalize() + "." for part in body_idx]
            if common:
                paragraphs[1] = f"{paragraphs[1]} {COMMON_WORD} said so."
            if rare:
                paragraphs[2] = f"{paragraphs[2]} {RARE_WORD} agreed."
            result[locale] = (title, lede, "\n\n".join(paragraphs))
        return result


def term_choice(rng: random.Random) -> tuple[list[int], int]:
    """Tag ids (1-based, "city" = 1 on ~30% of posts) and a category id."""
    tags = {1} if rng.random() < 0.3 else set()
    while len(tags) < rng.randint(2, 4):
        tags.add(min(TAGS, int(rng.paretovariate(0.7)) + 1))
    return sorted(tags), TAGS + 1 + rng.randrange(CATEGORIES)


def rows(posts: int, start: int = 1):
    """Yield (post, revision, pages, term links) rows, deterministic for a given post id."""
    writer = Writer()
    base = datetime(2020, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 1, tzinfo=UTC) - base).total_seconds()
    for post_id in range(start, start + posts):
        rng = random.Random(post_id)
        published_at = base + timedelta(seconds=span * (post_id - 1) / max(1, posts) + rng.randint(0, 3600))
        texts = writer.texts(rng, post_id)
        tags, category = term_choice(rng)
        title, lede, body = texts["en"]
        slug = f"{title.lower().replace(' ', '-')}"
        body_html = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        post = (
            post_id,
            slug,
            "en",
            "Bench Writer",
            json.dumps([f"tag-{t}" for t in tags]),
            "[]",
            published_at,
            1,
            published_at,
        )
        revision = (post_id, post_id, 1, title, lede, "text", body, body_html, '{"lede": [], "body": []}', published_at)
        pages = []
        for index, locale in enumerate(LOCALES):
            t, lede_text, b = texts[locale]
            page_id = (post_id - 1) * len(LOCALES) + index + 1
            html = "".join(f"<p>{p}</p>" for p in b.split("\n\n"))
            moment = published_at + timedelta(hours=index)
            pages.append(
                (
                    page_id,
                    post_id,
                    post_id,
                    locale,
                    t,
                    lede_text,
                    html,
                    lede_text,
                    moment,
                    moment,
                    b.replace("\n\n", " "),
                )
            )
        links = [(post_id, category, 0)] + [(post_id, tag, position + 1) for position, tag in enumerate(tags)]
        yield post, revision, pages, links


POST_COLUMNS = "id, slug, source_locale, author, tags, categories, published_at, created_by_id, created_at"
REVISION_COLUMNS = "id, post_id, number, title, lede, body_format, body_source, body_html, skeleton, created_at"
PAGE_COLUMNS = "id, post_id, revision_id, locale, title, lede_html, body_html, summary, published_at, updated_at"


def term_rows() -> list[tuple]:
    terms = [(1, "tag", "city", "city", "en")]
    terms += [(i, "tag", f"tag-{i}", f"tag {i}", "en") for i in range(2, TAGS + 1)]
    terms += [(TAGS + 1 + i, "category", f"section-{i}", f"Section {i}", "en") for i in range(CATEGORIES)]
    return terms


def term_translation_rows() -> list[tuple]:
    out, number = [], 1
    for term_id, _kind, _slug, name, _source in term_rows():
        for locale in LOCALES[1:]:
            out.append((number, term_id, locale, f"{name} ({locale})", "mt", datetime(2020, 1, 1, tzinfo=UTC)))
            number += 1
    return out


def migrate(url: str, revision: str) -> None:
    from alembic import command

    from service.migrate import alembic_config
    from service.settings import Settings

    command.upgrade(alembic_config(Settings(database_url=url, data_dir=DATA_DIR)), revision)


def fill_sqlite(path: Path, posts: int) -> None:
    connection = sqlite3.connect(path)
    connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;")
    connection.execute(
        "INSERT INTO users (id, username, password_hash, role, languages, active, created_at) "
        "VALUES (1, 'bench', 'x', 'editor', '[]', 1, '2020-01-01 00:00:00.000000')"
    )
    connection.executemany("INSERT INTO terms (id, kind, slug, name, source_locale) VALUES (?,?,?,?,?)", term_rows())
    connection.executemany(
        "INSERT INTO term_translations (id, term_id, locale, name, origin, updated_at) VALUES (?,?,?,?,?,?)",
        [(*row[:5], _sqlite_time(row[5])) for row in term_translation_rows()],
    )
    batch: dict[str, list] = {"posts": [], "revisions": [], "pages": [], "links": [], "search": []}

    def flush() -> None:
        connection.executemany(f"INSERT INTO posts ({POST_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", batch["posts"])
        connection.executemany(
            f"INSERT INTO revisions ({REVISION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", batch["revisions"]
        )
        connection.executemany(
            f"INSERT INTO published_pages ({PAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", batch["pages"]
        )
        connection.executemany("INSERT INTO post_terms (post_id, term_id, position) VALUES (?,?,?)", batch["links"])
        connection.executemany(
            "INSERT INTO page_search (title, body, locale, page_id) VALUES (?,?,?,?)", batch["search"]
        )
        for rows_ in batch.values():
            rows_.clear()

    for post, revision, pages, links in rows(posts):
        batch["posts"].append((*post[:6], _sqlite_time(post[6]), post[7], _sqlite_time(post[8])))
        batch["revisions"].append((*revision[:9], _sqlite_time(revision[9])))
        for page in pages:
            batch["pages"].append((*page[:8], _sqlite_time(page[8]), _sqlite_time(page[9])))
            batch["search"].append((page[4], f"{page[5]} {page[10]}", page[3], page[0]))
        batch["links"].extend(links)
        if len(batch["posts"]) >= 2000:
            flush()
    flush()
    connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def _sqlite_time(moment: datetime) -> str:
    """How SQLAlchemy stores a DateTime on SQLite (naive UTC, microseconds)."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def fill_postgresql(url: str, posts: int) -> None:
    """One pass over the generator feeding one COPY per table, each on its own connection.

    Foreign-key triggers are off in these sessions (replication role), since the tables are
    filled side by side; the rows are consistent by construction.
    """
    import psycopg

    dsn = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(dsn) as connection:
        connection.execute(
            "INSERT INTO users (id, username, password_hash, role, languages, active, created_at) "
            "VALUES (1, 'bench', 'x', 'editor', '[]', true, '2020-01-01')"
        )
        with connection.cursor().copy("COPY terms (id, kind, slug, name, source_locale) FROM STDIN") as copy:
            for row in term_rows():
                copy.write_row(row)
        with connection.cursor().copy(
            "COPY term_translations (id, term_id, locale, name, origin, updated_at) FROM STDIN"
        ) as copy:
            for row in term_translation_rows():
                copy.write_row(row)
        connection.execute("CREATE UNLOGGED TABLE bench_search_text (page_id int, locale text, title text, body text)")
    statements = {
        "posts": f"COPY posts ({POST_COLUMNS}) FROM STDIN",
        "revisions": f"COPY revisions ({REVISION_COLUMNS}) FROM STDIN",
        "links": "COPY post_terms (post_id, term_id, position) FROM STDIN",
        "pages": f"COPY published_pages ({PAGE_COLUMNS}) FROM STDIN",
        "search": "COPY bench_search_text (page_id, locale, title, body) FROM STDIN",
    }
    connections = {name: psycopg.connect(dsn) for name in statements}
    try:
        with ExitStack() as stack:
            copies = {}
            for name, connection in connections.items():
                connection.execute("SET session_replication_role = replica")
                copies[name] = stack.enter_context(connection.cursor().copy(statements[name]))
            for post, revision, pages, links in rows(posts):
                copies["posts"].write_row(post)
                copies["revisions"].write_row(revision)
                for link in links:
                    copies["links"].write_row(link)
                for page in pages:
                    copies["pages"].write_row(page[:10])
                    copies["search"].write_row((page[0], page[3], page[4], f"{page[5]} {page[10]}"))
        for connection in connections.values():
            connection.commit()
    finally:
        for connection in connections.values():
            connection.close()
    with psycopg.connect(dsn) as connection:
        for table in ("posts", "revisions", "published_pages", "terms", "term_translations", "users"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        configs = " ".join(f"WHEN '{loc}' THEN '{cfg}'::regconfig" for loc, cfg in PG_CONFIGS.items())
        case = f"(CASE locale {configs} ELSE 'simple'::regconfig END)"
        connection.execute(
            "INSERT INTO page_search (page_id, locale, title, body, document) "
            f"SELECT page_id, locale, title, body, setweight(to_tsvector({case}, title), 'A') || "
            f"setweight(to_tsvector({case}, body), 'B') FROM bench_search_text"
        )
        connection.execute("DROP TABLE bench_search_text")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def sqlite_paths(pages: int) -> tuple[Path, Path]:
    """(old-schema file, upgraded copy)."""
    return DATA_DIR / f"reader-{pages}-0003.db", DATA_DIR / f"reader-{pages}-head.db"


def pg_names(pages: int) -> tuple[str, str]:
    return f"tarjama_bench_{pages}_0003", f"tarjama_bench_{pages}_head"


def _admin(statement: str) -> None:
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _pg_exists(name: str) -> bool:
    engine = create_engine(f"{PG_SERVER}/postgres")
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    engine.dispose()
    return bool(found)


def prepare(db: str, pages: int, rebuild_head: bool = False, rebuild_all: bool = False) -> tuple[str, str]:
    """Make (once) the old-schema archive and its upgraded copy; returns (old url, new url)."""
    posts = pages // len(LOCALES)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        old, new = sqlite_paths(pages)
        if rebuild_all:
            old.unlink(missing_ok=True)
        if not old.exists():
            started = time.monotonic()
            partial = old.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            migrate(f"sqlite:///{partial}", OLD_REVISION)
            fill_sqlite(partial, posts)
            partial.rename(old)
            print(f"generated {pages} pages in {old} ({time.monotonic() - started:.0f} s)")
            rebuild_head = True
        if rebuild_head or not new.exists():
            started = time.monotonic()
            shutil.copy(old, new)
            migrate(f"sqlite:///{new}", "head")
            print(f"upgraded a copy to head in {time.monotonic() - started:.0f} s")
        return f"sqlite:///{old}", f"sqlite:///{new}"
    old_name, new_name = pg_names(pages)
    if rebuild_all and _pg_exists(old_name):
        _admin(f"DROP DATABASE {old_name}")
    if not _pg_exists(old_name):
        started = time.monotonic()
        _admin(f"DROP DATABASE IF EXISTS {old_name}_partial")
        _admin(f"CREATE DATABASE {old_name}_partial")
        url = f"{PG_SERVER}/{old_name}_partial"
        migrate(url, OLD_REVISION)
        fill_postgresql(url, posts)
        _admin(f"ALTER DATABASE {old_name}_partial RENAME TO {old_name}")
        print(f"generated {pages} pages in {old_name} ({time.monotonic() - started:.0f} s)")
        rebuild_head = True
    if rebuild_head or not _pg_exists(new_name):
        started = time.monotonic()
        _admin(f"DROP DATABASE IF EXISTS {new_name}")
        _admin(f"CREATE DATABASE {new_name} TEMPLATE {old_name}")
        migrate(f"{PG_SERVER}/{new_name}", "head")
        print(f"upgraded a copy to head in {time.monotonic() - started:.0f} s")
    return f"{PG_SERVER}/{old_name}", f"{PG_SERVER}/{new_name}"
