"""search stems words per language on SQLite

Revision ID: 0009_stemmed_search
Revises: 0008_signals
Create Date: 2026-11-23 19:00:00

Each SQLite FTS5 table `page_search_<locale>` gets the stems of the title and body (Snowball,
service/stemming.py) as its indexed columns; the original title and body stay, unindexed.
PostgreSQL already stems with the language's text-search configuration: nothing to do there.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0009_stemmed_search"
down_revision = "0008_signals"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"


def _tables(bind) -> dict[str, str]:
    """Existing per-locale FTS tables by name, with the locale each one indexes."""
    locales = bind.execute(sa.text("SELECT DISTINCT locale FROM published_pages")).scalars().all()
    names = {"page_search_" + re.sub(r"[^a-z0-9]+", "_", locale.lower()): locale for locale in locales}
    existing = bind.execute(sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'page_search_%'")).scalars().all()
    return {name: names[name] for name in existing if name in names}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from service.stemming import stems

    for table, locale in _tables(bind).items():
        rows = bind.execute(sa.text(f"SELECT rowid, title, body FROM {table}")).all()
        op.execute(f"DROP TABLE {table}")
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5("
            f"title UNINDEXED, body UNINDEXED, title_stems, body_stems, tokenize='{TOKENIZER}')"
        )
        insert = sa.text(
            f"INSERT INTO {table} (rowid, title, body, title_stems, body_stems) VALUES (:id, :t, :b, :ts, :bs)"
        )
        for page_id, title, body in rows:
            bind.execute(
                insert, {"id": page_id, "t": title, "b": body, "ts": stems(title, locale), "bs": stems(body, locale)}
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in _tables(bind):
        rows = bind.execute(sa.text(f"SELECT rowid, title, body FROM {table}")).all()
        op.execute(f"DROP TABLE {table}")
        op.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, tokenize='{TOKENIZER}')")
        for page_id, title, body in rows:
            bind.execute(
                sa.text(f"INSERT INTO {table} (rowid, title, body) VALUES (:id, :t, :b)"),
                {"id": page_id, "t": title, "b": body},
            )
