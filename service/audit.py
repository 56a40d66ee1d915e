"""The audit history of posts: who edited, withdrew, restored or deleted a story, and when.

Rows outlive the post (no foreign key), so a deletion stays on record.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import PostEvent, User


def record(session: Session, post_id: int, user: User | None, action: str, data: dict | None = None) -> None:
    session.add(PostEvent(post_id=post_id, actor_id=user.id if user else None, action=action, data=data))


def history(session: Session, post_id: int) -> list[PostEvent]:
    return list(session.scalars(select(PostEvent).where(PostEvent.post_id == post_id).order_by(PostEvent.id)))
