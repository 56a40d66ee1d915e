"""The review queue: which drafts a translator should look at, with what needs attention."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.models import Post, Role, State, Translation, User

QUEUE_STATES = (
    State.awaiting_review.value,
    State.in_review.value,
    State.rejected.value,
    State.failed.value,
    State.queued.value,
    State.translating.value,
    State.published.value,
)
DEFAULT_STATES = (State.awaiting_review.value, State.in_review.value, State.rejected.value)


@dataclass
class QueueItem:
    translation: Translation
    title: str
    segments: int
    warnings: int
    waiting_since: datetime
    from_memory: int = 0


def visible_locales(user: User, all_locales: tuple[str, ...]) -> list[str]:
    if user.role == Role.admin:
        return list(all_locales)
    if user.role == Role.translator:
        return [loc for loc in user.languages if loc in all_locales]
    return []


def review_queue(
    session: Session,
    user: User,
    all_locales: tuple[str, ...],
    locale: str | None = None,
    state: str | None = None,
    tag: str | None = None,
    newest_first: bool = False,
) -> tuple[list[QueueItem], Counter]:
    """Drafts in the user's locales, filtered, plus how many there are per state."""
    locales = visible_locales(user, all_locales)
    if locale:
        locales = [loc for loc in locales if loc == locale]
    query = (
        select(Translation)
        .join(Post)
        .where(Translation.locale.in_(locales))
        .options(
            selectinload(Translation.segments), selectinload(Translation.post), selectinload(Translation.claimed_by)
        )
    )
    translations = [t for t in session.scalars(query) if not tag or tag in t.post.tags]
    counts = Counter(t.state for t in translations)
    wanted = (state,) if state else DEFAULT_STATES
    items = [
        QueueItem(
            translation=t,
            title=t.revision.title,
            segments=len(t.segments),
            warnings=sum(len(s.warnings) for s in t.segments),
            waiting_since=t.state_changed_at,
            from_memory=sum(1 for s in t.segments if s.origin == "tm"),
        )
        for t in translations
        if t.state in wanted
    ]
    items.sort(key=lambda item: (item.waiting_since, item.translation.id), reverse=newest_first)
    return items, counts
