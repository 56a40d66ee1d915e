"""Page-cache generations: a number per scope that changes whenever the scope's reader pages change.

A scope is a locale, "*" (pages spanning locales: the sitemap index) or "map:N" (sitemap part N).
Reader pages are cached under (path, generation); bumping a generation invalidates every cached
page of that scope at once, in every web process, because the number lives in the database.
Web processes keep a copy and re-read it at most once per `page_cache_recheck` seconds
(service/web/page_cache.py), so a cache hit costs no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.models import SiteGeneration, utcnow

EVERY_LOCALE = "*"
BUMPED = "tarjama.generations_bumped"  # in Session.info: this transaction changed reader pages


UPSERT = text(
    "INSERT INTO site_generations (locale, generation, changed_at) VALUES (:scope, 1, :now) "
    "ON CONFLICT (locale) DO UPDATE SET generation = site_generations.generation + 1, changed_at = :now"
)


def bump(session: Session, scopes: Iterable[str]) -> None:
    """One atomic upsert per scope, in a fixed order: concurrent publishes neither fail nor deadlock.

    Plain SQL (SQLite and PostgreSQL spell upserts alike): the dialects' insert().on_conflict_do_update()
    cannot be cached by SQLAlchemy and costs milliseconds to compile on every publish.
    """
    now = utcnow()
    session.execute(UPSERT, [{"scope": scope, "now": now} for scope in sorted({*scopes, EVERY_LOCALE})])
    session.info[BUMPED] = True


def every_generation(session: Session) -> dict[str, tuple[int, datetime]]:
    """{scope: (generation, changed_at)}: a few hundred rows at most (locales and sitemap parts)."""
    rows = session.execute(select(SiteGeneration.locale, SiteGeneration.generation, SiteGeneration.changed_at))
    return {scope: (generation, changed_at) for scope, generation, changed_at in rows}
