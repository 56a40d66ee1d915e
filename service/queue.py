"""The review queue: which drafts a translator should look at, with what needs attention."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service import confidence
from service.models import Post, Role, State, Translation, User

QUEUE_STATES = (
    State.outdated.value,
    State.awaiting_review.value,
    State.in_review.value,
    State.rejected.value,
    State.failed.value,
    State.queued.value,
    State.translating.value,
    State.published.value,
)
DEFAULT_STATES = (State.outdated.value, State.awaiting_review.value, State.in_review.value, State.rejected.value)


@dataclass
class QueueItem:
    translation: Translation
    title: str
    segments: int
    warnings: int
    waiting_since: datetime
    confidence: float | None = None  # the weakest machine segment (service/confidence.py)
    weak: int = 0  # segments below confidence.LOW
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
    weakest_first: bool = False,
) -> tuple[list[QueueItem], Counter]:
    """Drafts in the user's locales, filtered, plus how many there are per state.

    `weakest_first` puts the drafts whose weakest segment has the lowest confidence on top, so
    reviewers start where the machine was least sure.
    """
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
            confidence=min(scores, default=None),
            weak=sum(confidence.is_low(score) for score in scores),
            from_memory=sum(1 for s in t.segments if s.origin == "tm"),
        )
        for t in translations
        if t.state in wanted
        for scores in [[s.confidence for s in t.segments if s.confidence is not None]]
    ]
    items.sort(key=lambda item: (item.waiting_since, item.translation.id), reverse=newest_first)
    if weakest_first:  # stable: equally weak drafts keep their waiting order; unscored ones last
        items.sort(key=lambda item: (item.confidence is None, item.confidence or 0.0))
    items.sort(key=lambda item: not item.translation.correction)  # corrections of published pages first
    return items, counts
