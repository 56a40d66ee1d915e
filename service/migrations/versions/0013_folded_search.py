"""search folds Arabic-script spellings and digits

Revision ID: 0013_folded_search
Revises: 0012_mail_sending_since
Create Date: 2026-11-23 22:10:00

The search index now holds Persian and Arabic words in one spelling (Arabic or Persian kaf and
yeh, no short-vowel marks or tatweel) and ASCII digits (service/stemming.py `fold`). Pages of
Arabic-script locales indexed before are indexed again; in other locales only pages published
from now on fold digits (a Persian digit in an English page is rare).
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0013_folded_search"
down_revision = "0012_mail_sending_since"
branch_labels = None
depends_on = None

ARABIC_SCRIPT = ("fa", "ar", "ur", "ps")


def _locales(bind) -> list[str]:
    locales = bind.execute(sa.text("SELECT DISTINCT locale FROM published_pages")).scalars().all()
    return [loc for loc in locales if loc.split("-")[0].split("_")[0].lower() in ARABIC_SCRIPT]


def upgrade() -> None:
    from service.search import analyzer
    from service.stemming import fold, stems

    bind = op.get_bind()
    for locale in _locales(bind):
        if bind.dialect.name == "sqlite":
            table = "page_search_" + re.sub(r"[^a-z0-9]+", "_", locale.lower())
            if not bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = :t"), {"t": table}).scalar():
                continue
            rows = bind.execute(sa.text(f"SELECT rowid, title, body FROM {table}")).all()
            update = sa.text(f"UPDATE {table} SET title_stems = :ts, body_stems = :bs WHERE rowid = :id")
            for page_id, title, body in rows:
                bind.execute(update, {"id": page_id, "ts": stems(title, locale), "bs": stems(body, locale)})
        else:
            rows = bind.execute(
                sa.text("SELECT page_id, title, body FROM page_search WHERE locale = :l"), {"l": locale}
            ).all()
            update = sa.text(
                "UPDATE page_search SET document = setweight(to_tsvector(CAST(:c AS regconfig), :t), 'A') || "
                "setweight(to_tsvector(CAST(:c AS regconfig), :b), 'B') WHERE page_id = :id"
            )
            config = analyzer(locale).pg_config
            for page_id, title, body in rows:
                bind.execute(update, {"id": page_id, "c": config, "t": fold(title, locale), "b": fold(body, locale)})


def downgrade() -> None:
    """Nothing to undo: the older code reads the folded index as it is (words typed in the common
    spelling are still found; only the variant spellings stop matching)."""
