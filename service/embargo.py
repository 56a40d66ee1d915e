"""Embargo: a post dated in the future stays hidden until its time, then goes live everywhere at once.

Visibility itself is `site.visible()` (`listed_at <= now`), so nothing shows early whatever runs
when. What the clock cannot do alone is refresh cached pages (home, archives, feeds, sitemaps):
the beat task calls `lift_due` every `TARJAMA_EMBARGO_INTERVAL` (20) seconds; it clears the `embargoed` flag of
posts whose time has come, with one conditional write per post (two beats never both count a
post), and bumps the cache generations of their locales and sitemap parts.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import cache, sitemap
from service.models import Post, PublishedPage, utcnow


def lift_due(session: Session) -> list[int]:
    """Posts whose embargo ended since the last beat; the caller commits."""
    now = utcnow()
    due = list(session.scalars(select(Post.id).where(Post.embargoed.is_(True), Post.published_at <= now)))
    lifted = []
    for post_id in due:
        statement = update(Post).where(Post.id == post_id, Post.embargoed.is_(True)).values(embargoed=False)
        if session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1:
            lifted.append(post_id)
    if lifted:
        locales = set(session.scalars(select(PublishedPage.locale).where(PublishedPage.post_id.in_(lifted))))
        cache.bump(session, {*locales, *(sitemap.scope(sitemap.part_of(post_id)) for post_id in lifted)})
    return lifted
