"""Intake: validate an editor's post, store it with its first revision, segments and translations.

Plain domain code: it takes a session and the acting user, never commits and never queues.
The caller commits, then asks `dispatch` to queue the translations (outbox style), so a post
is stored even when the queue is down; the sweep picks it up later.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import DateTime, insert, literal, select
from sqlalchemy.orm import Session

from service import characters, metrics, publishing, terms
from service.content import FORMATS, body_to_safe_html
from service.errors import N_, Forbidden, InvalidInput, TooLarge
from service.models import (
    IdempotencyRecord,
    Post,
    Revision,
    Role,
    Segment,
    Translation,
    TranslationEvent,
    User,
    as_utc,
    utcnow,
)
from service.segments import Extraction, TooManySegments, extract
from service.settings import Settings
from service.slugs import slugify

FIELDS = {
    "title",
    "lede",
    "body",
    "format",
    "tags",
    "categories",
    "author",
    "source_locale",
    "target_locales",
    "published_at",
}
LIMITS = {"title": 300, "lede": 2000, "author": 200, "body": 500_000}


def submit_post(
    session: Session, user: User, payload: Any, settings: Settings, idempotency_key: str | None = None
) -> tuple[Post, bool]:
    """Create a post, or return the one made by an earlier request with the same key.

    Returns (post, created). Reusing a key for a different request is an error.
    """
    if user.role not in (Role.editor, Role.admin):
        raise Forbidden(N_("only editors and admins can submit posts"))
    request_hash = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    if idempotency_key:
        if len(idempotency_key) > 200:
            raise InvalidInput(N_("Idempotency-Key is longer than 200 characters"), field="Idempotency-Key")
        earlier = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == idempotency_key
            )
        )
        if earlier is not None:
            if earlier.request_hash != request_hash:
                raise InvalidInput(
                    N_("this Idempotency-Key was already used for a different request"), field="Idempotency-Key"
                )
            return session.get(Post, earlier.post_id), False
    post = create_post(session, user, validate_post(payload, settings))
    if idempotency_key:
        session.add(IdempotencyRecord(user_id=user.id, key=idempotency_key, request_hash=request_hash, post_id=post.id))
    return post, True


def require_object(payload: Any, allowed: set[str] | frozenset[str]) -> None:
    """A JSON object with only known fields: a typo is named instead of silently ignored."""
    if not isinstance(payload, dict):
        raise InvalidInput(N_("the request body must be a JSON object"))
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise InvalidInput(
            N_("unknown field %(name)s; allowed: %(allowed)s"),
            field=unknown[0],
            params={"name": repr(unknown[0]), "allowed": ", ".join(sorted(allowed))},
        )


def validate_post(payload: Any, settings: Settings) -> dict[str, Any]:
    """Check every field and return clean values; errors name the field."""
    require_object(payload, FIELDS)
    clean: dict[str, Any] = {
        "title": _text(payload, "title", required=True),
        "lede": _text(payload, "lede"),
        "body": _text(payload, "body", required=True, keep_lines=True),
        "author": _text(payload, "author"),
        "tags": _labels(payload, "tags"),
        "categories": _labels(payload, "categories"),
    }
    body_format = payload.get("format", "text")
    if body_format not in FORMATS:
        raise InvalidInput(
            N_("format must be one of %(formats)s"), field="format", params={"formats": ", ".join(FORMATS)}
        )
    clean["format"] = body_format
    clean["source_locale"] = _locale(payload.get("source_locale", settings.source_locale), settings, "source_locale")
    clean["target_locales"] = _targets(payload, settings, clean["source_locale"])
    clean["published_at"] = _moment(payload.get("published_at"))
    clean["body_html"] = body_to_safe_html(clean["body"], body_format)
    if not clean["body_html"].strip():
        raise InvalidInput(N_("body has no content left after removing unsafe markup"), field="body")
    try:
        clean["extraction"] = extract(clean["title"], clean["lede"], clean["body_html"], settings.max_segments)
    except TooManySegments:
        raise TooLarge(
            N_(
                "the post has more than %(limit)d segments (sentences, headings, list items); split it into several posts"
            ),
            field="body",
            params={"limit": settings.max_segments},
        ) from None
    return clean


def create_post(session: Session, user: User, clean: dict[str, Any]) -> Post:
    """Store the post, its revision, segments, terms, queued translations and source page.

    Everything that needs no database (segments, the rendered source page) is done before the
    first write, and rows go in one statement per table: the write transaction, and SQLite's
    single writer lock with it, is held as briefly as the rows need.
    """
    extraction = clean.get("extraction") or extract(clean["title"], clean["lede"], clean["body_html"])
    rendered = publishing.render_parts(extraction.skeleton, extraction.segments, [s.text for s in extraction.segments])
    slug = unique_slug(session, clean["title"])
    term_ids = terms.term_ids(session, clean["tags"], clean["categories"], clean["source_locale"])
    post = Post(
        slug=slug,
        source_locale=clean["source_locale"],
        author=clean["author"] or user.shown_name,
        tags=clean["tags"],
        categories=clean["categories"],
        published_at=clean["published_at"],
        embargoed=clean["published_at"] > utcnow(),
        created_by_id=user.id,
    )
    revision = _revision(post, clean, extraction)
    session.add_all([post, revision])
    session.flush()
    session.execute(
        insert(Segment),
        [
            {
                "revision_id": revision.id,
                "position": position,
                "block": segment.block,
                "source_text": segment.text,
                "source_hash": segment.source_hash,
                "markup": segment.markup,
            }
            for position, segment in enumerate(extraction.segments)
        ],
    )
    terms.link(session, post.id, term_ids)
    _queue_translations(session, post, revision, clean["target_locales"], user)
    publishing.publish_new_source(session, post, revision.id, rendered)
    return post


def _queue_translations(session: Session, post: Post, revision: Revision, locales: list[str], user: User) -> None:
    """One queued Translation per target locale, each with its "queued" event."""
    if not locales:
        return
    now = utcnow()
    session.execute(
        insert(Translation),
        [
            {
                "post_id": post.id,
                "revision_id": revision.id,
                "locale": locale,
                "state": "queued",
                "state_changed_at": now,
            }
            for locale in locales
        ],
    )
    queued = select(Translation.id, literal(user.id), literal("queued"), literal(now, DateTime(timezone=True)))
    session.execute(
        insert(TranslationEvent).from_select(
            ["translation_id", "actor_id", "action", "at"], queued.where(Translation.post_id == post.id)
        )
    )
    metrics.note_bulk_events(session, "queued", len(locales))


def _revision(post: Post, clean: dict[str, Any], extraction: Extraction, number: int = 1) -> Revision:
    return Revision(
        post=post,
        number=number,
        title=clean["title"],
        lede=clean["lede"],
        body_format=clean["format"],
        body_source=clean["body"],
        body_html=clean["body_html"],
        skeleton=extraction.skeleton,
    )


def add_revision(post: Post, clean: dict[str, Any]) -> Revision:
    extraction = clean.get("extraction") or extract(clean["title"], clean["lede"], clean["body_html"])
    revision = _revision(post, clean, extraction, number=len(post.revisions) + 1)
    for position, segment in enumerate(extraction.segments):
        revision.segments.append(
            Segment(
                position=position,
                block=segment.block,
                source_text=segment.text,
                source_hash=segment.source_hash,
                markup=segment.markup,
            )
        )
    return revision


def unique_slug(session: Session, title: str) -> str:
    """The title's slug, else the first free `slug-2`, `slug-3`...: exact lookups on the unique index."""
    base = slugify(title)
    start = 2
    candidates = [base]
    while True:
        candidates += [f"{base}-{number}" for number in range(start, start + 16)]
        taken = set(session.scalars(select(Post.slug).where(Post.slug.in_(candidates))))
        free = next((slug for slug in candidates if slug not in taken), None)
        if free is not None:
            return free
        start, candidates = start + 16, []


def _text(payload: dict, name: str, required: bool = False, keep_lines: bool = False) -> str:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput(N_("%(name)s is required"), field=name, params={"name": name})
        return ""
    if not isinstance(value, str):
        raise InvalidInput(N_("%(name)s must be a string"), field=name, params={"name": name})
    characters.refuse_unstorable(value, name)
    value = value.strip() if keep_lines else " ".join(characters.neutralise_bidi(value).split())
    if required and not value:
        raise InvalidInput(N_("%(name)s must not be blank"), field=name, params={"name": name})
    characters.refuse_invisible(value, name)
    if len(value) > LIMITS[name]:
        raise InvalidInput(
            N_("%(name)s is longer than %(limit)d characters"), field=name, params={"name": name, "limit": LIMITS[name]}
        )
    return value


def _labels(payload: dict, name: str) -> list[str]:
    value = payload.get(name) or []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(N_("%(name)s must be a list of strings"), field=name, params={"name": name})
    labels = []
    for item in value:
        characters.refuse_unstorable(item, name)
        item = " ".join(characters.neutralise_bidi(item).split())
        characters.refuse_invisible(item, name)
        if len(item) > 60:
            raise InvalidInput(N_("each of %(name)s must be at most 60 characters"), field=name, params={"name": name})
        if item and item not in labels:
            labels.append(item)
    if len(labels) > 30:
        raise InvalidInput(N_("at most 30 %(name)s"), field=name, params={"name": name})
    return labels


def _locale(value: Any, settings: Settings, field: str) -> str:
    if value not in settings.locales:
        raise InvalidInput(
            N_("%(name)s %(value)s is not a configured locale (%(locales)s)"),
            field=field,
            params={"name": field, "value": repr(value), "locales": ", ".join(settings.locales)},
        )
    return value


def _targets(payload: dict, settings: Settings, source: str) -> list[str]:
    value = payload.get("target_locales")
    if value is None:
        return [loc for loc in settings.locales if loc != source]
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value:
        raise InvalidInput(N_("target_locales must be a non-empty list of locales"), field="target_locales")
    targets = []
    for locale in value:
        _locale(locale, settings, "target_locales")
        if locale == source:
            raise InvalidInput(
                N_("target_locales must not include the source locale %(source)s"),
                field="target_locales",
                params={"source": repr(source)},
            )
        if locale not in targets:
            targets.append(locale)
    return targets


def _moment(value: Any) -> datetime:
    if value in (None, ""):
        return utcnow()
    if not isinstance(value, str):
        raise InvalidInput(N_("published_at must be an ISO 8601 date or date-time string"), field="published_at")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time(12, 0))
        except ValueError:
            raise InvalidInput(
                N_("published_at %(value)s is not an ISO 8601 date (2026-11-23 or 2026-11-23T09:30:00Z)"),
                field="published_at",
                params={"value": repr(value)},
            ) from None
    return as_utc(moment)
