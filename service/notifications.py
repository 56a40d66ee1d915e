"""In-app notifications: what one person should know about, read on /notifications.

Rows hold a kind and the figures of the message (title, locale, who); the web layer words
them in the reader's UI language (`MESSAGES`), so one notification reads right in all six.
A person with an e-mail address on file also gets a copy (`mail_state` pending -> sent,
sent by the worker through `service/mail.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service import characters
from service.errors import N_, InvalidInput
from service.models import MailAddress, Notification, Translation, User, utcnow

MESSAGES = {
    "work_arrived": N_("A new %(language)s draft is waiting for review: “%(title)s”"),
    "approved": N_("The %(language)s translation of “%(title)s” was approved and published by %(actor)s"),
    "rejected": N_("The %(language)s translation of “%(title)s” was sent back by %(actor)s: %(comment)s"),
    "comment": N_("%(actor)s commented on the %(language)s translation of “%(title)s”: %(comment)s"),
    "mention": N_("%(actor)s mentioned you on the %(language)s translation of “%(title)s”: %(comment)s"),
    "failed": N_("The %(language)s translation of “%(title)s” failed"),
}
SUBJECT = N_("Tarjama: %(message)s")
PAGE_SIZE = 50


def notify(
    session: Session, user_ids: Iterable[int], kind: str, translation: Translation, actor: User | None, **data: str
) -> int:
    """One notification per person (never the actor); returns how many were written."""
    people = sorted({uid for uid in user_ids if uid is not None and (actor is None or uid != actor.id)})
    if not people:
        return 0
    with_mail = set(session.scalars(select(MailAddress.user_id).where(MailAddress.user_id.in_(people))))
    figures = {
        "title": translation.revision.title,
        "locale": translation.locale,
        "actor": actor.username if actor else "",
    }
    figures.update({key: value[:300] for key, value in data.items()})
    for user_id in people:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind,
                translation_id=translation.id,
                data=figures,
                mail_state="pending" if user_id in with_mail else "none",
            )
        )
    return len(people)


def unread_count(session: Session, user: User) -> int:
    query = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def latest(session: Session, user: User, limit: int = PAGE_SIZE) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return list(session.scalars(query.limit(limit)))


def mark_read(session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with None, every) unread notification of this user as read."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return session.execute(statement.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def mail_address(session: Session, user: User) -> str:
    row = session.get(MailAddress, user.id)
    return row.address if row else ""


def set_mail_address(session: Session, user: User, address: object) -> None:
    """Empty: in-app only. Otherwise one plausible address (the SMTP server has the last word)."""
    if not isinstance(address, str):
        raise InvalidInput(N_("the e-mail address must be text"), field="email")
    address = address.strip()
    characters.refuse_unstorable(address, "email")
    row = session.get(MailAddress, user.id)
    if not address:
        if row:
            session.delete(row)
        return
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address) or len(address) > 254:
        raise InvalidInput(N_("%(value)s is not an e-mail address"), field="email", params={"value": address[:80]})
    if row:
        row.address = address
    else:
        session.add(MailAddress(user_id=user.id, address=address))
