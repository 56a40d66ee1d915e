"""Publishing: render a post's revision in one locale into a PublishedPage readers get.

The page is rendered once, here, from the skeleton and the segments; reader requests only
read the stored HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from service import cache, search, site, sitemap
from service.models import Post, PublishedPage, Revision, State, Translation, TranslationEvent, utcnow
from service.segments import plain, render, segment_html


def publish_source(session: Session, post: Post) -> PublishedPage:
    """The original is published as submitted, in its source locale."""
    revision = post.current_revision
    texts = [segment.source_text for segment in revision.segments]
    return _store_page(session, post, post.source_locale, revision.id, render_revision(revision, texts))


def publish_new_source(session: Session, post: Post, revision_id: int, rendered: Rendered) -> int:
    """The first page of a post just stored (intake): rendered before any write, and nothing to look
    up or replace, so it is a handful of inserts. Returns the page id."""
    now = utcnow()
    page_id = session.scalar(
        insert(PublishedPage)
        .values(
            post_id=post.id,
            revision_id=revision_id,
            locale=post.source_locale,
            title=rendered.title,
            lede_html=rendered.lede_html,
            body_html=rendered.body_html,
            summary=rendered.summary,
            published_at=now,
            updated_at=now,
            listed_at=post.published_at,
        )
        .returning(PublishedPage.id)
    )
    site.list_new_page(session, page_id, post.id, post.source_locale, post.published_at)
    search.index_page(session, page_id, post.source_locale, rendered.title, rendered.body_text, new=True)
    cache.bump(session, {post.source_locale, sitemap.scope(sitemap.part_of(post.id))})
    return page_id


def publish(session: Session, translation: Translation) -> PublishedPage:
    """Publish an approved translation; publishing twice rewrites the same page."""
    rendered = render_revision(translation.revision, _draft_texts(translation))
    page = _store_page(session, translation.post, translation.locale, translation.revision_id, rendered)
    translation.state = State.published.value
    translation.state_changed_at = utcnow()
    return page


def publish_approved(session: Session, translation: Translation, actor_id: int | None, note: str = "", **data) -> None:
    """Publish a translation whose text is approved, and record it in its history.

    The `published` event says which revision of the original the page translates (the post's
    history shows it) and fingerprints the texts shown (see `text_fingerprints`).
    """
    publish(session, translation)
    translation.correction = False
    revision = translation.revision.number
    texts = text_fingerprints(s.text for s in translation.segments)
    translation.events.append(
        TranslationEvent(
            actor_id=actor_id,
            action="published",
            detail=f"revision {revision}{note}",
            data={"revision": revision, **data, "texts": texts},
        )
    )


@dataclass
class Rendered:
    title: str
    lede_html: str
    body_html: str
    summary: str
    body_text: str


def render_revision(revision: Revision, texts: list[str]) -> Rendered:
    """The page parts for one revision, given one text per segment (source or translation)."""
    return render_parts(revision.skeleton, revision.segments, texts)


def render_parts(skeleton: dict[str, str], segments: Sequence, texts: list[str]) -> Rendered:
    """The page parts from a skeleton and its segments (anything with `.block` and `.markup`)."""
    html = [segment_html(text, segment.markup, segment.block) for text, segment in zip(texts, segments, strict=True)]

    def plain_of(*blocks: str) -> str:
        return " ".join(plain(texts[i]) for i, segment in enumerate(segments) if segment.block in blocks)

    return Rendered(
        title=plain_of("title"),
        lede_html=render(skeleton["lede"], html),
        body_html=render(skeleton["body"], html),
        summary=plain_of("lede"),
        body_text=" ".join(plain(texts[i]) for i, segment in enumerate(segments) if segment.block != "title"),
    )


def preview(translation: Translation) -> Rendered:
    """The page as readers would see it if this draft were approved now."""
    return render_revision(translation.revision, _draft_texts(translation))


def _draft_texts(translation: Translation) -> list[str]:
    """One draft text per source segment, in order (empty where a segment has no draft)."""
    drafts = {segment.position: segment.text for segment in translation.segments}
    return [drafts.get(segment.position, "") for segment in translation.revision.segments]


def _store_page(session: Session, post: Post, locale: str, revision_id: int, rendered: Rendered) -> PublishedPage:
    """Write the page, then what finds it (listings, search) and what caches it: the post's rows only."""
    page = session.scalar(select(PublishedPage).where(PublishedPage.post_id == post.id, PublishedPage.locale == locale))
    now = utcnow()
    if page is None:
        page = PublishedPage(post=post, locale=locale, published_at=now, listed_at=post.published_at)
        session.add(page)
    page.revision_id = revision_id
    page.title = rendered.title
    page.lede_html = rendered.lede_html
    page.body_html = rendered.body_html
    page.summary = rendered.summary
    page.updated_at = now
    if page.withdrawn_reason == "correction":  # the correction is approved: the page is back
        page.withdrawn_at = page.withdrawn_reason = None
    session.flush()
    site.list_post(session, post.id)
    search.index_page(session, page.id, locale, rendered.title, rendered.body_text)
    # The post's pages in other locales list this one in their language switcher.
    cache.bump(session, {locale, *published_locales(session, post.id), sitemap.scope(sitemap.part_of(post.id))})
    return page


def published_locales(session: Session, post_id: int) -> list[str]:
    return sorted(session.scalars(select(PublishedPage.locale).where(PublishedPage.post_id == post_id)))


def text_fingerprints(texts: Iterable[str]) -> list[str]:
    """Short hashes of the segment texts a publication showed, kept in its `published` event.

    A later correction that changes only the layout may republish without review when every
    sentence it keeps is one of these: a check on content, not on clocks of different machines.
    """
    return [hashlib.sha256(text.encode()).hexdigest()[:16] for text in texts]
