"""What readers may see, and every listing built on it: home, archives, feeds, search, sitemap.

All reader queries start from `visible()`, the one place that says which published pages readers
get. Listings walk an index newest first from a cursor, (locale, listed_at, post_id) for a locale
and page_terms' (term_id, locale, listed_at, post_id) for an archive, so the 500th page costs what
the first costs: "older"/"newer" links carry the cursor; there is no OFFSET and no COUNT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Select, delete, insert, literal, select, tuple_, update
from sqlalchemy.orm import Session, contains_eager

from service.models import PageTerm, Post, PostTerm, PublishedPage, Term, as_utc, utcnow

CURSOR_TIME = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class Cursor:
    """A position in a newest-first listing: the (listed_at, post_id) of a page."""

    at: datetime
    post_id: int

    @classmethod
    def of(cls, page: PublishedPage) -> Cursor:
        return cls(as_utc(page.listed_at), page.post_id)

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """None for a missing or malformed token (the view answers 404)."""
        moment, _, post_id = (raw or "").partition("-")
        try:
            return cls(as_utc(datetime.strptime(moment, CURSOR_TIME)), int(post_id))
        except ValueError:
            return None

    def token(self) -> str:
        return f"{self.at.strftime(CURSOR_TIME)}-{self.post_id}"


@dataclass
class Listing:
    pages: list[PublishedPage]
    newer: Cursor | None  # link "newer posts" with ?after=newer.token()
    older: Cursor | None  # link "older posts" with ?before=older.token()
    first: bool  # nothing newer than this page


def visible() -> Select:
    """Published pages readers may see, with their post. Every reader query starts here.

    Not withdrawn (the page or the whole post), and dated now or earlier: an embargoed post is
    invisible everywhere until its time (the listing indexes lead with locale/term then listed_at,
    so `listed_at <= now` stays a range).
    """
    return (
        select(PublishedPage)
        .join(Post, Post.id == PublishedPage.post_id)
        .options(contains_eager(PublishedPage.post))
        .where(PublishedPage.listed_at <= utcnow(), PublishedPage.withdrawn_at.is_(None), Post.withdrawn_at.is_(None))
    )


def withdrawn_page(session: Session, locale: str, slug: str) -> PublishedPage | None:
    """A page readers may not see because it was withdrawn (410 Gone, not 404)."""
    query = (
        select(PublishedPage)
        .join(Post, Post.id == PublishedPage.post_id)
        .where(PublishedPage.locale == locale, Post.slug == slug, PublishedPage.listed_at <= utcnow())
    )
    page = session.scalars(query).one_or_none()
    if page is not None and (page.withdrawn_at is not None or page.post.withdrawn_at is not None):
        return page
    return None


def in_locale(locale: str) -> Select:
    return visible().where(PublishedPage.locale == locale)


def latest(
    session: Session, locale: str, per_page: int, before: Cursor | None = None, after: Cursor | None = None
) -> Listing:
    key = (PublishedPage.listed_at, PublishedPage.post_id)
    return _walk(session, in_locale(locale), key, per_page, before, after)


def by_term(
    session: Session, locale: str, term: Term, per_page: int, before: Cursor | None = None, after: Cursor | None = None
) -> Listing:
    return _walk(session, _term_pages(locale, term), (PageTerm.listed_at, PageTerm.post_id), per_page, before, after)


def _term_pages(locale: str, term: Term) -> Select:
    return (
        in_locale(locale)
        .join(PageTerm, PageTerm.page_id == PublishedPage.id)
        .where(PageTerm.term_id == term.id, PageTerm.locale == locale)
    )


def _walk(session: Session, query: Select, key, per_page: int, before: Cursor | None, after: Cursor | None) -> Listing:
    """One page of a newest-first listing, read from the index around a cursor (limit + 1 rows)."""
    at, post_id = key
    if after is not None:
        rows = list(
            session.scalars(
                query.where(tuple_(at, post_id) > tuple_(after.at, after.post_id))
                .order_by(at.asc(), post_id.asc())
                .limit(per_page + 1)
            )
        )
        if rows:  # exactly the posts between the cursor and the next page up: none twice, none skipped
            pages = rows[:per_page][::-1]
            newer = Cursor.of(pages[0]) if len(rows) > per_page else None
            return Listing(pages, newer, Cursor.of(pages[-1]), first=newer is None)
        # nothing newer than the cursor: show the first page
    if before is not None:
        query = query.where(tuple_(at, post_id) < tuple_(before.at, before.post_id))
    rows = list(session.scalars(query.order_by(at.desc(), post_id.desc()).limit(per_page + 1)))
    pages = rows[:per_page]
    newer = Cursor.of(pages[0]) if before is not None and pages else None
    older = Cursor.of(pages[-1]) if len(rows) > per_page else None
    return Listing(pages, newer, older, first=before is None)


def newest(session: Session, locale: str, count: int, term: Term | None = None) -> list[PublishedPage]:
    """The latest `count` pages with their terms (feeds)."""
    query = in_locale(locale) if term is None else _term_pages(locale, term)
    at, post_id = (
        (PublishedPage.listed_at, PublishedPage.post_id) if term is None else (PageTerm.listed_at, PageTerm.post_id)
    )
    query = query.options(
        contains_eager(PublishedPage.post)
        .selectinload(Post.terms)
        .joinedload(PostTerm.term)
        .selectinload(Term.translations)
    )
    return list(session.scalars(query.order_by(at.desc(), post_id.desc()).limit(count)))


def recent(session: Session, locale: str, count: int = 5) -> list[PublishedPage]:
    query = in_locale(locale).order_by(PublishedPage.listed_at.desc(), PublishedPage.post_id.desc())
    return list(session.scalars(query.limit(count)))


def page(session: Session, locale: str, slug: str) -> PublishedPage | None:
    """A post's page in one locale, with the post's terms and their names loaded (the post page)."""
    query = in_locale(locale).where(Post.slug == slug)
    query = query.options(
        contains_eager(PublishedPage.post)
        .selectinload(Post.terms)
        .joinedload(PostTerm.term)
        .joinedload(Term.translations)
    )
    return session.scalars(query).unique().one_or_none()


def pages_by_id(session: Session, locale: str, ids: list[int]) -> list[PublishedPage]:
    """Pages in the order of `ids` (search results), leaving out any readers may not see."""
    found = {p.id: p for p in session.scalars(in_locale(locale).where(PublishedPage.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def alternate_locales(session: Session, post_id: int) -> list[str]:
    query = visible().with_only_columns(PublishedPage.locale).where(PublishedPage.post_id == post_id)
    return list(session.scalars(query.order_by(PublishedPage.locale)))


def alternates(session: Session, post_id: int) -> list[PublishedPage]:
    return list(session.scalars(visible().where(PublishedPage.post_id == post_id).order_by(PublishedPage.locale)))


def sitemap_rows(session: Session, first_post: int, last_post: int):
    """(post_id, slug, source_locale, locale, updated_at) of visible pages of posts in an id range, in order."""
    query = visible().with_only_columns(
        PublishedPage.post_id, Post.slug, Post.source_locale, PublishedPage.locale, PublishedPage.updated_at
    )
    query = query.where(PublishedPage.post_id.between(first_post, last_post))
    return session.execute(query.order_by(PublishedPage.post_id, PublishedPage.locale))


def last_post_id(session: Session) -> int:
    return session.scalar(select(Post.id).order_by(Post.id.desc()).limit(1)) or 0


def list_post(session: Session, post_id: int) -> None:
    """Keep what listings walk in step with the post: its date on its pages, its pages under its terms.

    Called at every publish; three statements over the post's own rows, whatever the archive's size.
    """
    published_at = select(Post.published_at).where(Post.id == post_id).scalar_subquery()
    session.execute(
        update(PublishedPage)
        .where(PublishedPage.post_id == post_id, PublishedPage.listed_at != published_at)
        .values(listed_at=published_at)
        .execution_options(synchronize_session=False)
    )
    pages = select(PublishedPage.id).where(PublishedPage.post_id == post_id)
    session.execute(delete(PageTerm).where(PageTerm.page_id.in_(pages)).execution_options(synchronize_session=False))
    rows = (
        select(PublishedPage.id, PostTerm.term_id, PublishedPage.post_id, PublishedPage.locale, PublishedPage.listed_at)
        .join(PostTerm, PostTerm.post_id == PublishedPage.post_id)
        .where(PublishedPage.post_id == post_id)
    )
    session.execute(
        insert(PageTerm).from_select(["page_id", "term_id", "post_id", "locale", "listed_at"], rows),
        execution_options={"synchronize_session": False},
    )


def list_new_page(session: Session, page_id: int, post_id: int, locale: str, listed_at: datetime) -> None:
    """List the first page of a post just stored under the post's terms (one statement)."""
    rows = select(
        literal(page_id),
        PostTerm.term_id,
        literal(post_id),
        literal(locale),
        literal(listed_at, DateTime(timezone=True)),
    ).where(PostTerm.post_id == post_id)
    session.execute(insert(PageTerm).from_select(["page_id", "term_id", "post_id", "locale", "listed_at"], rows))
