"""Page-cache generations: a number per locale that changes whenever its reader pages change.

Reader pages are cached under (path, generation); bumping a generation invalidates every
cached page of that locale at once, in every web process, because the number lives in the
database. "*" covers pages that span locales (sitemap).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.models import SiteGeneration, utcnow

EVERY_LOCALE = "*"


def bump(session: Session, locales: Iterable[str]) -> None:
    """One atomic upsert per locale, in a fixed order: concurrent publishes neither fail nor deadlock."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    for locale in sorted({*locales, EVERY_LOCALE}):
        statement = insert(SiteGeneration).values(locale=locale, generation=1, changed_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["locale"], set_={"generation": SiteGeneration.generation + 1, "changed_at": now}
        )
        session.execute(statement)


def current(session: Session, locale: str) -> tuple[int, datetime | None]:
    row = session.scalar(select(SiteGeneration).where(SiteGeneration.locale == locale))
    return (row.generation, row.changed_at) if row else (0, None)
