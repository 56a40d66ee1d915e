"""Withdrawing, restoring and deleting a story.

A withdrawn page stays stored (restoring brings it back as it was) but readers get 410 Gone and
no listing, feed, sitemap or search shows it: `site.visible()` leaves it out. Withdrawing the whole
post also covers locales published later; withdrawing some locales marks their pages. A delete
(admins only) removes the post, its revisions, translations and pages, and leaves the audit record.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service import audit, cache, search, sitemap
from service.errors import N_, Forbidden, InvalidInput
from service.models import Post, PublishedPage, Role, User, utcnow

WITHDRAWN = "withdrawn"


def _require_editor(user: User) -> None:
    if user.role not in (Role.editor, Role.admin):
        raise Forbidden(N_("only editors and admins can withdraw or restore posts"))


def locales_of(post: Post) -> list[str]:
    return [post.source_locale, *(t.locale for t in post.translations)]


def _locales(post: Post, value: Any) -> list[str] | None:
    """None: the whole post; else the locales named, each one the post is written or translated in."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidInput(N_("locales must be a non-empty list of locales"), field="locales")
    for locale in value:
        if locale not in locales_of(post):
            raise InvalidInput(
                N_("the post has no %(locale)s version"), field="locales", params={"locale": repr(locale)}
            )
    return sorted(set(value))


def withdraw(session: Session, post: Post, user: User, locales: Any = None) -> list[str]:
    """Take the post (or some of its locales) off the site at once; returns the locales withdrawn."""
    _require_editor(user)
    chosen = _locales(post, locales)
    if chosen is not None:
        _require_published(session, post, chosen)
    now = utcnow()
    if chosen is None:
        session.execute(update(Post).where(Post.id == post.id, Post.withdrawn_at.is_(None)).values(withdrawn_at=now))
    pages = update(PublishedPage).where(PublishedPage.post_id == post.id, PublishedPage.withdrawn_at.is_(None))
    if chosen is not None:
        pages = pages.where(PublishedPage.locale.in_(chosen))
    session.execute(
        pages.values(withdrawn_at=now, withdrawn_reason=WITHDRAWN).execution_options(synchronize_session=False)
    )
    session.expire(post)
    done = chosen or locales_of(post)
    _refresh(session, post.id, done)
    audit.record(session, post.id, user, "withdrawn", {"locales": done})
    return done


def _require_published(session: Session, post: Post, locales: list[str]) -> None:
    """A locale without a page has nothing to take down, and a page published later would not
    know it was meant to stay off: refuse instead of recording a withdrawal that does nothing."""
    published = set(
        session.scalars(
            select(PublishedPage.locale).where(PublishedPage.post_id == post.id, PublishedPage.locale.in_(locales))
        )
    )
    for locale in locales:
        if locale not in published:
            raise InvalidInput(
                N_("the %(locale)s version is not published yet: there is nothing to withdraw"),
                field="locales",
                params={"locale": repr(locale)},
            )


def restore(session: Session, post: Post, user: User, locales: Any = None) -> list[str]:
    """Put withdrawn pages back (a page withdrawn while its correction is reviewed stays so)."""
    _require_editor(user)
    chosen = _locales(post, locales)
    if chosen is None:
        session.execute(update(Post).where(Post.id == post.id).values(withdrawn_at=None))
    pages = update(PublishedPage).where(PublishedPage.post_id == post.id, PublishedPage.withdrawn_reason == WITHDRAWN)
    if chosen is not None:
        pages = pages.where(PublishedPage.locale.in_(chosen))
    session.execute(pages.values(withdrawn_at=None, withdrawn_reason=None).execution_options(synchronize_session=False))
    session.expire(post)
    done = chosen or locales_of(post)
    _refresh(session, post.id, done)
    audit.record(session, post.id, user, "restored", {"locales": done})
    return done


def delete_post(session: Session, post: Post, user: User) -> None:
    """Remove the post and everything made from it (admins only); the audit record stays."""
    if user.role != Role.admin:
        raise Forbidden(N_("only admins can delete posts"))
    post_id, locales = post.id, locales_of(post)
    for page_id, locale in session.execute(
        select(PublishedPage.id, PublishedPage.locale).where(PublishedPage.post_id == post_id)
    ).all():
        search.remove_page(session, page_id, locale)
    session.execute(delete(PublishedPage).where(PublishedPage.post_id == post_id))
    session.delete(post)
    session.flush()
    _refresh(session, post_id, locales)
    audit.record(session, post_id, user, "deleted")


def _refresh(session: Session, post_id: int, locales: list[str]) -> None:
    """Every cached page that may list the post: its locales' pages and its sitemap part."""
    cache.bump(session, {*locales, sitemap.scope(sitemap.part_of(post_id))})


def is_withdrawn(page: PublishedPage) -> bool:
    return page.withdrawn_at is not None or page.post.withdrawn_at is not None
