"""reader listings on indexes, search per locale, sitemap parts

Revision ID: 0004_reader_scale
Revises: 0004_translation_memory
Create Date: 2026-11-23 16:00:00

- published_pages.listed_at (the post's date, copied) and an index (locale, listed_at, post_id)
  that newest-first listings walk from a cursor, and one (post_id, locale, updated_at) for sitemaps;
- page_terms: pages under each tag/category, indexed the same way for archive listings;
- search per locale: FTS5 table per locale on SQLite (rowid = page id), a GIN index on
  (locale, document) on PostgreSQL (btree_gin);
- a cache generation per sitemap part ("map:N", 1,000 posts each) with when it last changed.
Every backfill is one set-based statement, so upgrading a large archive takes minutes, not hours.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0004_reader_scale"
down_revision = "0004_translation_memory"
branch_labels = None
depends_on = None

FTS5_TOKENIZER = "unicode61 remove_diacritics 2"


def upgrade() -> None:
    # Indexes go after the bulk update: updating a million rows under them costs far more.
    with op.batch_alter_table("published_pages", schema=None) as batch_op:
        batch_op.drop_index("ix_published_pages_locale")
        batch_op.add_column(sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE published_pages SET listed_at = (SELECT posts.published_at FROM posts WHERE posts.id = published_pages.post_id)"
    )
    with op.batch_alter_table("published_pages", schema=None) as batch_op:
        batch_op.alter_column("listed_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index("ix_published_pages_listing", ["locale", "listed_at", "post_id"], unique=False)
        batch_op.create_index("ix_published_pages_sitemap", ["post_id", "locale", "updated_at"], unique=False)

    op.create_table(
        "page_terms",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["published_pages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["term_id"], ["terms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id", "term_id"),
    )
    op.execute(
        "INSERT INTO page_terms (page_id, term_id, post_id, locale, listed_at) "
        "SELECT p.id, t.term_id, p.post_id, p.locale, p.listed_at FROM published_pages p "
        "JOIN post_terms t ON t.post_id = p.post_id"
    )
    with op.batch_alter_table("page_terms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_page_terms_listing", ["term_id", "locale", "listed_at", "post_id", "page_id"], unique=False
        )

    op.execute(
        "INSERT INTO site_generations (locale, generation, changed_at) "
        "SELECT 'map:' || ((post_id - 1) / 1000 + 1), 1, max(updated_at) FROM published_pages "
        "GROUP BY (post_id - 1) / 1000 + 1"
    )

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_per_locale()
    else:
        _pg_search_by_locale()


def _fts_table(locale: str) -> str:
    return "page_search_" + re.sub(r"[^a-z0-9]+", "_", locale.lower())


def _sqlite_search_per_locale() -> None:
    bind = op.get_bind()
    for (locale,) in bind.execute(sa.text("SELECT DISTINCT locale FROM page_search")).all():
        table = _fts_table(locale)
        op.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, tokenize='{FTS5_TOKENIZER}')")
        bind.execute(
            sa.text(
                f"INSERT INTO {table} (rowid, title, body) SELECT page_id, title, body FROM page_search WHERE locale = :l"
            ),
            {"l": locale},
        )
    op.execute("DROP TABLE page_search")


def _pg_search_by_locale() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("DROP INDEX ix_page_search_document")
    op.execute("DROP INDEX ix_page_search_locale")
    op.execute("CREATE INDEX ix_page_search_locale_document ON page_search USING gin (locale, document)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        bind = op.get_bind()
        op.execute(
            "CREATE VIRTUAL TABLE page_search USING fts5("
            "title, body, locale UNINDEXED, page_id UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
        tables = bind.execute(
            sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'page_search_%' AND sql LIKE 'CREATE VIRTUAL%'")
        ).scalars()
        for table in list(tables):
            op.execute(
                f"INSERT INTO page_search (title, body, locale, page_id) SELECT s.title, s.body, p.locale, p.id "
                f"FROM {table} s JOIN published_pages p ON p.id = s.rowid"
            )
            op.execute(f"DROP TABLE {table}")
    else:
        op.execute("DROP INDEX ix_page_search_locale_document")
        op.execute("CREATE INDEX ix_page_search_document ON page_search USING gin (document)")
        op.execute("CREATE INDEX ix_page_search_locale ON page_search (locale)")
    op.execute("DELETE FROM site_generations WHERE locale LIKE 'map:%'")
    with op.batch_alter_table("page_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_page_terms_listing")
    op.drop_table("page_terms")
    with op.batch_alter_table("published_pages", schema=None) as batch_op:
        batch_op.drop_index("ix_published_pages_sitemap")
        batch_op.drop_index("ix_published_pages_listing")
        batch_op.create_index("ix_published_pages_locale", ["locale"], unique=False)
        batch_op.drop_column("listed_at")
