"""Corrections: an editor edits the original, making a new revision of the same post.

The edit is checked as a whole with intake's rules (the current values, overlaid with the
fields sent), then applied in one transaction whose first write moves the post's revision number
on with a conditional UPDATE: of two edits of the same revision, one wins and the other gets a
Conflict. Each locale's translation then points at the new revision and is drafted again; the
drafting step carries over the segments that did not change (service/revisions.py), so only
changed and new segments reach the engine. Until the correction is approved a locale keeps its
published page ("keep") or shows it as withdrawn ("withdraw").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service import audit, cache, intake, publishing, sitemap, terms
from service.errors import N_, Conflict, Forbidden, InvalidInput
from service.models import (
    Post,
    PostSlug,
    PublishedPage,
    Revision,
    Role,
    State,
    Translation,
    TranslationEvent,
    User,
    as_utc,
    utcnow,
)
from service.settings import Settings
from service.slugs import slugify

CONTENT = ("title", "lede", "body", "format")
EDITABLE = set(intake.FIELDS) - {"source_locale"}
FIELDS = EDITABLE | {"slug", "revision", "while_reviewing"}
WHILE_REVIEWING = ("keep", "withdraw")


@dataclass
class Edit:
    """What an edit did: whether anything changed, and which drafts to queue after the commit."""

    changed: bool
    fields: list[str] = field(default_factory=list)
    queue: list[tuple[int, str, str]] = field(default_factory=list)  # (post id, locale, source locale)


def current_values(post: Post) -> dict[str, Any]:
    """The post as an edit payload: what a PATCH is laid over."""
    revision = post.current_revision
    return {
        "title": revision.title,
        "lede": revision.lede,
        "body": revision.body_source,
        "format": revision.body_format,
        "tags": list(post.tags),
        "categories": list(post.categories),
        "author": post.author,
        "source_locale": post.source_locale,
        "target_locales": [t.locale for t in post.translations],
        "published_at": as_utc(post.published_at).isoformat(),
    }


def edit_post(session: Session, post: Post, user: User, payload: Any, settings: Settings) -> Edit:
    """Apply an edit; no change at all makes no revision. The caller commits, then queues `Edit.queue`."""
    if user.role not in (Role.editor, Role.admin):
        raise Forbidden(N_("only editors and admins can edit posts"))
    intake.require_object(payload, FIELDS)
    edited = _revision_edited(payload, post)
    mode = payload.get("while_reviewing", "keep")
    if mode not in WHILE_REVIEWING:
        raise InvalidInput(N_("while_reviewing must be keep or withdraw"), field="while_reviewing")
    before = current_values(post)
    clean = intake.validate_post({**before, **{k: v for k, v in payload.items() if k in EDITABLE}}, settings)
    slug = _slug(session, post, payload.get("slug"))
    changed = _changed_fields(post, before, clean, slug)
    dropped = _droppable(session, post, sorted(set(before["target_locales"]) - set(clean["target_locales"])))
    if not changed:
        return Edit(False)
    _take_revision(session, post, edited)
    _drop(session, post, user, dropped)
    return _apply(session, post, user, clean, slug, changed, mode)


def _droppable(session: Session, post: Post, locales: list[str]) -> list[Translation]:
    """The translations of `locales`, if none is published or in someone's hands.

    A language that is not published yet can be dropped (its draft goes with it); a published one
    is withdrawn instead, and one a translator holds is released first, so no one's work vanishes
    under them.
    """
    published = set(publishing.published_locales(session, post.id))
    chosen = [t for t in post.translations if t.locale in locales]
    for translation in chosen:
        if translation.locale in published:
            raise InvalidInput(
                N_("the %(locale)s version is published: withdraw that language instead of dropping it"),
                field="target_locales",
                params={"locale": translation.locale},
            )
        if translation.claimed_by_id is not None:
            raise _held(translation)
    return chosen


def _held(translation: Translation) -> Conflict:
    holder = translation.claimed_by
    return Conflict(
        N_("%(name)s is reviewing the %(locale)s translation; ask them to release it before dropping that language"),
        field="target_locales",
        params={"name": holder.shown_name if holder else "?", "locale": translation.locale},
    )


def _drop(session: Session, post: Post, user: User, translations: list[Translation]) -> None:
    """Delete the dropped translations, each only if still unclaimed (a claim may have come since)."""
    for translation in translations:
        gone = session.execute(
            delete(Translation)
            .where(Translation.id == translation.id, Translation.claimed_by_id.is_(None))
            .execution_options(synchronize_session=False)
        ).rowcount
        if gone != 1:
            session.refresh(translation)
            raise _held(translation)
    if translations:
        session.expire(post, ["translations"])
        audit.record(session, post.id, user, "dropped", {"locales": [t.locale for t in translations]})


def _revision_edited(payload: dict, post: Post) -> int:
    value = payload.get("revision", post.revision_number)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(N_("revision must be the revision number you edited"), field="revision")
    if value != post.revision_number:
        raise _stale(post)
    return value


def _stale(post: Post) -> Conflict:
    return Conflict(
        N_("someone else edited this post since you opened it (revision %(number)d is current); reload and edit again"),
        field="revision",
        params={"number": post.revision_number},
        current_revision=post.revision_number,
    )


def _take_revision(session: Session, post: Post, edited: int) -> None:
    """The first write: the post moves from revision `edited` to the next, or the edit lost a race."""
    statement = (
        update(Post)
        .where(Post.id == post.id, Post.revision_number == edited)
        .values(revision_number=edited + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        session.expire(post)
        raise _stale(post)
    session.expire(post, ["revision_number"])


def _slug(session: Session, post: Post, value: Any) -> str:
    if value is None or value == post.slug:
        return post.slug
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise InvalidInput(N_("slug must be a string of 1 to 200 characters"), field="slug")
    slug = slugify(value, limit=200)
    taken = session.scalar(select(Post.id).where(Post.slug == slug, Post.id != post.id))
    taken = taken or session.scalar(select(PostSlug.post_id).where(PostSlug.slug == slug, PostSlug.post_id != post.id))
    if taken:
        raise Conflict(N_("the slug %(slug)s is taken by another post"), field="slug", params={"slug": repr(slug)})
    return slug


def _changed_fields(post: Post, before: dict, clean: dict, slug: str) -> list[str]:
    changed = [name for name in (*CONTENT, "tags", "categories", "author") if clean[name] != before[name]]
    if clean["target_locales"] != before["target_locales"]:
        changed.append("target_locales")
    if clean["published_at"] != as_utc(post.published_at):
        changed.append("published_at")
    if slug != post.slug:
        changed.append("slug")
    return changed


def _apply(session: Session, post: Post, user: User, clean: dict, slug: str, changed: list[str], mode: str) -> Edit:
    previous = post.current_revision
    content_changed = any(name in changed for name in CONTENT)
    revision = intake.add_revision(post, clean)
    revision.number = previous.number + 1
    session.add(revision)
    session.flush()
    edit = Edit(True, changed)
    if slug != post.slug:
        session.execute(PostSlug.__table__.delete().where(PostSlug.slug == slug))
        session.add(PostSlug(slug=post.slug, post_id=post.id))
        post.slug = slug
    post.author = clean["author"] or post.author
    post.published_at = clean["published_at"]
    post.embargoed = clean["published_at"] > utcnow()
    if post.tags != clean["tags"] or post.categories != clean["categories"]:
        post.tags, post.categories = clean["tags"], clean["categories"]
        post.terms.clear()
        session.flush()
        terms.attach(session, post, clean["tags"], clean["categories"])
    for translation in post.translations:
        if content_changed:
            _outdate(session, translation, revision.id, user, mode)
            edit.queue.append((post.id, translation.locale, post.source_locale))
        else:
            _follow(session, translation, previous.id, revision.id)
    for locale in clean["target_locales"]:
        if locale not in {t.locale for t in post.translations}:
            post.translations.append(Translation(locale=locale, revision=revision, state=State.queued.value))
            edit.queue.append((post.id, locale, post.source_locale))
    session.flush()
    session.expire(post, ["revisions"])
    publishing.publish_source(session, post)
    audit.record(session, post.id, user, "edited", {"revision": revision.number, "fields": changed})
    return edit


def _outdate(session: Session, translation: Translation, revision_id: int, user: User, mode: str) -> None:
    """Point the translation at the new revision and queue it; a published locale becomes a correction."""
    page = _page(session, translation)
    correction = page is not None
    session.execute(
        update(Translation)
        .where(Translation.id == translation.id)
        .values(
            revision_id=revision_id,
            state=State.queued.value,
            state_changed_at=utcnow(),
            correction=correction,
            claimed_by_id=None,
            claimed_at=None,
            lease_owner=None,
            lease_expires_at=None,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.expire(translation)
    session.add(TranslationEvent(translation_id=translation.id, actor_id=user.id, action="outdated"))
    if correction and mode == "withdraw" and page.withdrawn_at is None:
        page.withdrawn_at, page.withdrawn_reason = utcnow(), "correction"
        cache.bump(session, {translation.locale, sitemap.scope(sitemap.part_of(translation.post_id))})


def _follow(session: Session, translation: Translation, old_revision_id: int, revision_id: int) -> None:
    """The text did not change: the draft and the page translate the new revision as they are."""
    values: dict[str, object] = {"revision_id": revision_id}
    if translation.drafted_revision_id == old_revision_id:
        values["drafted_revision_id"] = revision_id
    session.execute(update(Translation).where(Translation.id == translation.id).values(**values))
    session.execute(
        update(PublishedPage)
        .where(
            PublishedPage.post_id == translation.post_id,
            PublishedPage.locale == translation.locale,
            PublishedPage.revision_id == old_revision_id,
        )
        .values(revision_id=revision_id)
    )
    session.expire(translation)


def _page(session: Session, translation: Translation) -> PublishedPage | None:
    return session.scalar(
        select(PublishedPage).where(
            PublishedPage.post_id == translation.post_id, PublishedPage.locale == translation.locale
        )
    )


def published_versions(session: Session, post_id: int) -> dict[str, tuple[int, bool]]:
    """Per locale with a page: (the revision number its page shows, whether the page is withdrawn)."""
    rows = session.execute(
        select(PublishedPage.locale, Revision.number, PublishedPage.withdrawn_at)
        .join(Revision, Revision.id == PublishedPage.revision_id)
        .where(PublishedPage.post_id == post_id)
    )
    return {locale: (number, withdrawn_at is not None) for locale, number, withdrawn_at in rows}
