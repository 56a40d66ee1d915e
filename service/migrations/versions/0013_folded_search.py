"""search folds Arabic-script spellings and digits

Revision ID: 0013_folded_search
Revises: 0012_mail_sending_since
Create Date: 2026-11-23 22:10:00

The search index now holds Persian and Arabic words in one spelling (Arabic or Persian kaf and
yeh, no short-vowel marks or tatweel) and ASCII digits (service/stemming.py `fold`). Pages of
Arabic-script locales indexed before are indexed again; in other locales only pages published
from now on fold digits (a Persian digit in an English page is rare).
"""

from alembic import op

revision = "0013_folded_search"
down_revision = "0012_mail_sending_since"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index the Arabic-script pages again, as publishing indexes a page now."""
    from sqlalchemy.orm import Session

    from service import search
    from service.stemming import ARABIC_SCRIPT, language_of

    bind = op.get_bind()
    pages = [page for page in search.indexed(bind) if language_of(page[1]) in ARABIC_SCRIPT]
    session = Session(bind=bind)
    for page_id, locale, title, body in pages:
        search.index_page(session, page_id, locale, title, body)


def downgrade() -> None:
    """Nothing to undo: the older code reads the folded index as it is (words typed in the common
    spelling are still found; only the variant spellings stop matching)."""
