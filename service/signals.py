"""Signals follow the history: every TranslationEvent a transaction writes (drafted, approved,
published, rejected, failed) and every new Post becomes notifications and webhook deliveries
in that same transaction, just before it commits.

So the code that changes states (intake, drafting, review, bulk actions added later) needs no
call of its own, and a signal exists exactly when its change was committed. `track` hooks a
session factory (called by `service.db.make_session_factory`).
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from service import notifications, webhooks
from service.models import Post, Role, TranslatedSegment, Translation, TranslationEvent, User

NOTES = "tarjama.signals"
WATCHED = {"drafted", "approved", "published", "rejected", "failed"}


def track(factory: sessionmaker[Session]) -> None:
    if not event.contains(factory, "after_flush", _note):
        event.listen(factory, "after_flush", _note)
        event.listen(factory, "before_commit", _emit)
        event.listen(factory, "after_rollback", _forget)


def _note(session: Session, _context) -> None:
    notes = session.info.setdefault(NOTES, [])
    for obj in session.new:
        if isinstance(obj, TranslationEvent) and obj.action in WATCHED:
            notes.append((obj.action, obj.translation_id, obj.actor_id, obj.detail or ""))
        elif isinstance(obj, Post):
            notes.append(("submitted", obj.id, obj.created_by_id, ""))


def _forget(session: Session) -> None:
    session.info.pop(NOTES, None)


def _emit(session: Session) -> None:
    session.flush()  # what the commit would flush next is noted now
    notes = session.info.pop(NOTES, [])
    with session.no_autoflush:
        for action, object_id, actor_id, detail in notes:
            actor = session.get(User, actor_id) if actor_id else None
            if action == "submitted":
                post = session.get(Post, object_id)
                webhooks.queue_event(session, "post.submitted", {"post": post_payload(post)})
            else:
                translation = session.get(Translation, object_id)
                if translation is not None:
                    _translation_signal(session, action, translation, actor, detail)


def _translation_signal(session: Session, action: str, translation: Translation, actor: User | None, detail: str):
    payload = {"post": post_payload(translation.post), "translation": translation_payload(translation)}
    if action == "drafted":
        notifications.notify(session, translators_of(session, translation.locale), "work_arrived", translation, actor)
        webhooks.queue_event(session, "translation.drafted", payload)
    elif action == "approved":
        people = {translation.post.created_by_id, *segment_editors(session, translation)}
        notifications.notify(session, people, "approved", translation, actor)
        webhooks.queue_event(session, "translation.approved", payload)
    elif action == "published":
        webhooks.queue_event(session, "translation.published", payload)
    elif action == "rejected":
        people = {translation.post.created_by_id, *segment_editors(session, translation)}
        notifications.notify(session, people, "rejected", translation, actor, comment=detail)
    elif action == "failed":
        notifications.notify(session, [translation.post.created_by_id], "failed", translation, actor)
        webhooks.queue_event(session, "translation.failed", {**payload, "error": detail})


def post_payload(post: Post) -> dict:
    return {
        "id": post.id,
        "slug": post.slug,
        "title": post.current_revision.title,
        "source_locale": post.source_locale,
        "locales": [t.locale for t in post.translations],
    }


def translation_payload(translation: Translation) -> dict:
    return {
        "id": translation.id,
        "locale": translation.locale,
        "state": translation.state,
        "url": f"/{translation.locale}/posts/{translation.post.slug}",
    }


def translators_of(session: Session, locale: str) -> list[int]:
    people = session.scalars(select(User).where(User.role == Role.translator.value, User.active.is_(True)))
    return [person.id for person in people if locale in (person.languages or [])]


def segment_editors(session: Session, translation: Translation) -> set[int]:
    query = select(TranslatedSegment.updated_by_id).where(TranslatedSegment.translation_id == translation.id)
    return {uid for uid in session.scalars(query.distinct()) if uid is not None}
