"""What the reader site lists: latest posts, archives, recent posts, sitemap entries.

Queries go through indexed columns (published_pages.locale, posts.published_at,
post_terms.term_id) so listing stays fast as the archive grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from service.models import Post, PostTerm, PublishedPage, Term


@dataclass
class Listing:
    pages: list[PublishedPage]
    total: int
    page: int
    per_page: int

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _newest(session: Session, query, limit: int, offset: int = 0) -> list[PublishedPage]:
    """Newest stories first, with what listings show (post, terms) loaded up front."""
    rows = session.scalars(
        query.order_by(Post.published_at.desc(), Post.id.desc())
        .options(selectinload(PublishedPage.post).selectinload(Post.terms).selectinload(PostTerm.term))
        .limit(limit)
        .offset(offset)
    )
    return list(rows)


def _pages(locale: str, term: Term | None = None):
    query = select(PublishedPage).join(Post).where(PublishedPage.locale == locale)
    if term is not None:
        query = query.join(PostTerm, PostTerm.post_id == Post.id).where(PostTerm.term_id == term.id)
    return query


def _listing(session: Session, query, page: int, per_page: int) -> Listing:
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    return Listing(_newest(session, query, per_page, (page - 1) * per_page), total or 0, page, per_page)


def latest(session: Session, locale: str, page: int, per_page: int) -> Listing:
    return _listing(session, _pages(locale), page, per_page)


def by_term(session: Session, locale: str, term: Term, page: int, per_page: int) -> Listing:
    return _listing(session, _pages(locale, term), page, per_page)


def newest(session: Session, locale: str, count: int, term: Term | None = None) -> list[PublishedPage]:
    """The latest `count` pages (recent posts, feeds): no page count needed, so none is queried."""
    return _newest(session, _pages(locale, term), count)


def recent(session: Session, locale: str, count: int = 5) -> list[PublishedPage]:
    return newest(session, locale, count)


def pages_by_id(session: Session, ids: list[int]) -> list[PublishedPage]:
    found = {p.id: p for p in session.scalars(select(PublishedPage).where(PublishedPage.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def alternates(session: Session, post_id: int) -> list[PublishedPage]:
    return list(
        session.scalars(select(PublishedPage).where(PublishedPage.post_id == post_id).order_by(PublishedPage.locale))
    )


def sitemap_posts(session: Session, offset: int, limit: int) -> list[tuple[Post, list[PublishedPage]]]:
    """Posts with all their published pages, in a stable order, one sitemap file at a time."""
    posts = list(session.scalars(select(Post).order_by(Post.id).offset(offset).limit(limit)))
    pages: dict[int, list[PublishedPage]] = {}
    for page in session.scalars(select(PublishedPage).where(PublishedPage.post_id.in_([p.id for p in posts]))):
        pages.setdefault(page.post_id, []).append(page)
    return [(post, sorted(pages.get(post.id, []), key=lambda p: p.locale)) for post in posts if post.id in pages]


def post_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Post)) or 0
