"""Publishing: render a post's revision in one locale into a PublishedPage readers get.

The page is rendered once, here, from the skeleton and the segments; reader requests only
read the stored HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import cache, search, site, sitemap
from service.models import Post, PublishedPage, Revision, State, Translation, utcnow
from service.segments import plain, render, segment_html


def publish_source(session: Session, post: Post) -> PublishedPage:
    """The original is published as submitted, in its source locale."""
    revision = post.current_revision
    texts = [segment.source_text for segment in revision.segments]
    return _store_page(session, post, post.source_locale, revision, texts)


def publish(session: Session, translation: Translation) -> PublishedPage:
    """Publish an approved translation; publishing twice rewrites the same page."""
    page = _store_page(session, translation.post, translation.locale, translation.revision, _draft_texts(translation))
    translation.state = State.published.value
    translation.state_changed_at = utcnow()
    return page


@dataclass
class Rendered:
    title: str
    lede_html: str
    body_html: str
    summary: str
    body_text: str


def render_revision(revision: Revision, texts: list[str]) -> Rendered:
    """The page parts for one revision, given one text per segment (source or translation)."""
    segments = revision.segments
    html = [segment_html(text, segment.markup, segment.block) for text, segment in zip(texts, segments, strict=True)]

    def plain_of(*blocks: str) -> str:
        return " ".join(plain(texts[i]) for i, segment in enumerate(segments) if segment.block in blocks)

    return Rendered(
        title=plain_of("title"),
        lede_html=render(revision.skeleton["lede"], html),
        body_html=render(revision.skeleton["body"], html),
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


def _store_page(session: Session, post: Post, locale: str, revision: Revision, texts: list[str]) -> PublishedPage:
    """Write the page, then what finds it (listings, search) and what caches it: the post's rows only."""
    rendered = render_revision(revision, texts)
    page = session.scalar(select(PublishedPage).where(PublishedPage.post_id == post.id, PublishedPage.locale == locale))
    if page is None:
        page = PublishedPage(post=post, locale=locale, published_at=utcnow(), listed_at=post.published_at)
        session.add(page)
    page.revision_id = revision.id
    page.title = rendered.title
    page.lede_html = rendered.lede_html
    page.body_html = rendered.body_html
    page.summary = rendered.summary
    page.updated_at = utcnow()
    session.flush()
    site.list_post(session, post)
    search.index_page(session, page.id, locale, rendered.title, rendered.body_text, page.listed_at)
    # The post's pages in other locales list this one in their language switcher.
    cache.bump(session, {locale, *published_locales(session, post.id), sitemap.scope(sitemap.part_of(post.id))})
    return page


def published_locales(session: Session, post_id: int) -> list[str]:
    return sorted(session.scalars(select(PublishedPage.locale).where(PublishedPage.post_id == post_id)))
