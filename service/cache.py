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

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.models import SiteGeneration, utcnow

EVERY_LOCALE = "*"
BUMPED = "tarjama.generations_bumped"  # in Session.info: this transaction changed reader pages


def bump(session: Session, scopes: Iterable[str]) -> None:
    """One atomic upsert of all scopes, in a fixed order: concurrent publishes neither fail nor deadlock."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    rows = [{"locale": scope, "generation": 1, "changed_at": now} for scope in sorted({*scopes, EVERY_LOCALE})]
    statement = insert(SiteGeneration).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["locale"], set_={"generation": SiteGeneration.generation + 1, "changed_at": now}
    )
    session.execute(statement)
    session.info[BUMPED] = True


def every_generation(session: Session) -> dict[str, tuple[int, datetime]]:
    """{scope: (generation, changed_at)}: a few hundred rows at most (locales and sitemap parts)."""
    rows = session.execute(select(SiteGeneration.locale, SiteGeneration.generation, SiteGeneration.changed_at))
    return {scope: (generation, changed_at) for scope, generation, changed_at in rows}
