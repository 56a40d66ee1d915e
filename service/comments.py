"""Discussion: comments on a translation or on one of its segments, with @mentions.

Who may read a translation's comments is one rule (`can_discuss`): the translators of its
language, the editor who submitted the post, and admins. A mention of someone outside that
circle is left as plain text: mentioning a person never shows them a draft they may not see.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import characters, notifications
from service.errors import N_, Forbidden, InvalidInput
from service.models import Comment, Role, Translation, User

MENTION = re.compile(r"(?<![\w@])@([\w.-]{1,80})")
MAX_LENGTH = 5000


def can_discuss(user: User, translation: Translation) -> bool:
    if user.role == Role.admin:
        return True
    if user.role == Role.translator:
        return translation.locale in user.languages
    return user.role == Role.editor and translation.post.created_by_id == user.id


def visible(session: Session, translation: Translation, user: User) -> list[Comment]:
    if not can_discuss(user, translation):
        raise Forbidden(N_("you cannot read the discussion of this translation"))
    return list(session.scalars(select(Comment).where(Comment.translation_id == translation.id).order_by(Comment.id)))


def add(session: Session, translation: Translation, user: User, body: object, position: object = None) -> Comment:
    """Store a comment; `position` names a segment of the translated revision, None the whole draft."""
    if not can_discuss(user, translation):
        raise Forbidden(N_("you cannot take part in the discussion of this translation"))
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput(N_("write a comment first"), field="body")
    if len(body) > MAX_LENGTH:
        raise InvalidInput(N_("a comment can be at most %(n)d characters long"), field="body", params={"n": MAX_LENGTH})
    characters.refuse_unstorable(body, "body")
    if position is not None:
        positions = {segment.position for segment in translation.revision.segments}
        if not isinstance(position, int) or isinstance(position, bool) or position not in positions:
            raise InvalidInput(N_("segment %(n)s does not exist"), field="position", params={"n": position})
    comment = Comment(translation_id=translation.id, position=position, author_id=user.id, body=body.strip())
    session.add(comment)
    session.flush()
    _tell(session, translation, user, comment)
    return comment


def _tell(session: Session, translation: Translation, author: User, comment: Comment) -> None:
    """Mentioned people get "mentioned you"; the rest of the conversation gets "commented"."""
    excerpt = comment.body if len(comment.body) <= 200 else comment.body[:199] + "…"
    named = {person.id for person in mentioned(session, translation, comment.body)}
    notifications.notify(session, named, "mention", translation, author, comment=excerpt)
    others = participants(session, translation) - named
    notifications.notify(session, others, "comment", translation, author, comment=excerpt)


def mentioned(session: Session, translation: Translation, body: str) -> list[User]:
    """The people @mentioned in `body` who may read this translation's discussion."""
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    users = session.scalars(select(User).where(User.username.in_(names), User.active.is_(True))).all()
    return [user for user in users if can_discuss(user, translation)]


def participants(session: Session, translation: Translation) -> set[int]:
    """Who is part of this draft's conversation: its editor, its holder, earlier commenters."""
    people = {translation.post.created_by_id, translation.claimed_by_id}
    people.update(session.scalars(select(Comment.author_id).where(Comment.translation_id == translation.id)))
    return {person for person in people if person is not None}
