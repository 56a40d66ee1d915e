"""Page-cache generations: a number per locale that changes whenever its reader pages change.

Reader pages are cached under (path, generation); bumping a generation invalidates every
cached page of that locale at once, in every web process, because the number lives in the
database. "*" covers pages that span locales (sitemap).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import SiteGeneration, utcnow

EVERY_LOCALE = "*"


def bump(session: Session, locales: Iterable[str]) -> None:
    for locale in {*locales, EVERY_LOCALE}:
        row = session.get(SiteGeneration, locale)
        if row is None:
            session.add(SiteGeneration(locale=locale, generation=1, changed_at=utcnow()))
        else:
            row.generation += 1
            row.changed_at = utcnow()
    session.flush()


def current(session: Session, locale: str) -> tuple[int, datetime | None]:
    row = session.scalar(select(SiteGeneration).where(SiteGeneration.locale == locale))
    return (row.generation, row.changed_at) if row else (0, None)
