"""The live desk: each post's per-locale progress in a few numbers, and bulk review actions.

A bulk action is one review action per translation, each committed (or rolled back) on its own
by the caller, so one refused item (held by someone else) never undoes the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import review
from service.errors import N_, InvalidInput, NotFound
from service.models import Post, State, Translation, User

DRAFTED = {
    State.awaiting_review.value,
    State.in_review.value,
    State.rejected.value,
    State.approved.value,
    State.published.value,
}
BULK_ACTIONS = ("claim", "release", "reassign")


@dataclass
class Progress:
    total: int
    drafted: int
    in_review: int
    published: int
    failed: int


def progress(post: Post) -> Progress:
    """How far a post's translations are: drafted 3/5 · in review 1 · published 1."""
    states = [t.state for t in post.translations]
    return Progress(
        total=len(states),
        drafted=sum(1 for s in states if s in DRAFTED),
        in_review=states.count(State.in_review.value),
        published=states.count(State.published.value),
        failed=states.count(State.failed.value),
    )


def bulk_item(
    session: Session,
    user: User,
    action: str,
    translation_id: int,
    visible: list[str],
    *,
    idle_seconds: int,
    assignee: User | None = None,
) -> Translation:
    """One item of a bulk action; the caller commits or rolls back each item on its own."""
    translation = session.get(Translation, translation_id)
    if translation is None or translation.locale not in visible:
        raise NotFound(N_("draft %(id)s does not exist"), params={"id": translation_id})
    if action not in BULK_ACTIONS:
        raise InvalidInput(N_("unknown bulk action %(action)s"), field="action", params={"action": repr(action)})
    review.perform(session, translation, user, action, idle_seconds=idle_seconds, assignee=assignee)
    return translation


def live_states(session: Session, ids: Iterable[int], visible: list[str]) -> list[Translation]:
    """The translations a page shows, as they are now (only those the viewer may see)."""
    wanted = list(ids)[:500]
    if not wanted:
        return []
    query = select(Translation).where(Translation.id.in_(wanted), Translation.locale.in_(visible))
    return list(session.scalars(query))


def newest_reviewable(session: Session, visible: list[str]) -> str:
    """A stamp that changes when a draft becomes ready for review in the viewer's languages.

    The queue page carries the stamp it was rendered with; live.js compares it with this one to
    tell the translator that new drafts are waiting (rows already shown update themselves).
    """
    newest = session.scalar(
        select(func.max(Translation.state_changed_at)).where(
            Translation.locale.in_(visible),
            Translation.state.in_([State.awaiting_review.value, State.outdated.value]),
        )
    )
    return newest.isoformat() if newest else ""
