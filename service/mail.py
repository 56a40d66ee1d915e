"""E-mail copies of notifications, through the SMTP server named by TARJAMA_SMTP_URL.

`smtp://user:password@host:25` (plain, upgraded with STARTTLS when the server offers it),
`smtps://host:465` (TLS from the start). Unset: no e-mail, notifications stay in-app.
Sent by the worker (`send_pending`), never by a web request: a slow mail server slows no page.
At least once: a copy left "sending" (the worker was killed mid-send) is sent again later, so a
crash in the instant after the SMTP server took the message sends it twice.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from babel.support import Translations
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import MailAddress, Notification, User, utcnow
from service.notifications import MESSAGES, SUBJECT
from service.settings import Settings

log = logging.getLogger(__name__)
BATCH = 50
# A send that lasts longer was interrupted: each SMTP step times out after 30 s.
SENDING_EXPIRES = timedelta(minutes=5)


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    url = urlsplit(settings.smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(body)
    secure = url.scheme == "smtps"
    client_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with client_class(url.hostname or "localhost", url.port or (465 if secure else 25), timeout=30) as client:
        if not secure and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)


def render(settings: Settings, notification: Notification, user: User) -> tuple[str, str]:
    """Subject and text of the e-mail, in the person's UI language."""
    from babel import Locale

    locale = user.ui_locale or settings.source_locale
    catalog = Translations.load(str(settings.translations_dir), [locale])
    data = dict(notification.data)
    language = data.get("locale", "")
    try:
        data["language"] = Locale.parse(language).get_display_name(locale) if language else ""
    except (ValueError, TypeError):
        data["language"] = language
    data.setdefault("comment", "")
    text = catalog.gettext(MESSAGES.get(notification.kind, notification.kind)) % data
    return catalog.gettext(SUBJECT) % {"message": text[:120]}, text


def send_pending(sessions: sessionmaker[Session], settings: Settings) -> int:
    """Send the e-mail copies waiting; each notification is taken by one runner only."""
    if not settings.smtp_url:
        return 0
    requeue_interrupted(sessions)
    sent = 0
    with session_scope(sessions) as session:
        waiting = session.scalars(
            select(Notification.id).where(Notification.mail_state == "pending").order_by(Notification.id).limit(BATCH)
        ).all()
    for notification_id in waiting:
        sent += _send_one(sessions, settings, notification_id)
    return sent


def requeue_interrupted(sessions: sessionmaker[Session]) -> int:
    """Copies "sending" for longer than a send can take go back to "pending" (one UPDATE).

    No timestamp: taken before the column existed, so long ago.
    """
    expired = utcnow() - SENDING_EXPIRES
    with session_scope(sessions) as session:
        requeued = session.execute(
            update(Notification)
            .where(Notification.mail_state == "sending")
            .where(or_(Notification.mail_sending_since.is_(None), Notification.mail_sending_since < expired))
            .values(mail_state="pending", mail_sending_since=None)
        ).rowcount
        session.commit()
    if requeued:
        log.warning("%s e-mail copies were interrupted while sending; sending them again", requeued)
    return requeued


def _send_one(sessions: sessionmaker[Session], settings: Settings, notification_id: int) -> int:
    with session_scope(sessions) as session:
        taken = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.mail_state == "pending")
            .values(mail_state="sending", mail_sending_since=utcnow())
        ).rowcount
        session.commit()
        if not taken:
            return 0
        notification = session.get(Notification, notification_id)
        user = session.get(User, notification.user_id)
        address = session.get(MailAddress, user.id)
        state = "none"
        if address is not None:
            subject, body = render(settings, notification, user)
            try:
                send(settings, address.address, subject, body)
                state = "sent"
            except (OSError, smtplib.SMTPException) as error:
                log.warning("e-mail for notification %s to %s failed: %s", notification_id, address.address, error)
                state = "failed"
        notification.mail_state, notification.mail_sending_since = state, None
        session.commit()
    return int(state == "sent")
