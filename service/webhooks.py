"""Outgoing webhooks: tell the newsroom's other systems what happened, reliably.

The event is written to an outbox (`webhook_deliveries`) in the same transaction as the change
that caused it, so nothing is announced that did not happen and nothing that happened is lost.
The worker (`deliver_due`, run by beat every few seconds) POSTs each due delivery: the JSON
body, signed with the webhook's secret in `X-Tarjama-Signature: sha256=<hex HMAC-SHA256>`.
A receiver that fails (no answer, or not 2xx) is tried again after 1, 2, 4, ... backoff
periods, up to `webhook_attempts` times; every attempt is logged for admins.
Deliveries that ended (delivered, or given up as failed) are kept `webhook_keep_days` for the
admins' page, then `prune` deletes them in batches; a pending delivery is never deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from service import characters, sealing
from service.db import session_scope
from service.errors import N_, InvalidInput
from service.models import Webhook, WebhookAttempt, WebhookDelivery, utcnow
from service.settings import Settings

log = logging.getLogger(__name__)

EVENTS = (
    "post.submitted",
    "translation.drafted",
    "translation.approved",
    "translation.published",
    "translation.failed",
)
SIGNATURE_HEADER = "X-Tarjama-Signature"
# Shown to admins on the Webhooks page as the attempt's error (technical detail, like HTTP errors).
UNREADABLE_SECRET = (
    "the webhook's secret cannot be read: the server's secret key (TARJAMA_SECRET_KEY) changed "
    "since it was entered; delete the webhook and add it again with its secret"
)
TIMEOUT = 10.0
BATCH = 50
ENDED = ("delivered", "failed")
PRUNE_BATCH = 500  # rows per transaction: short locks, and the signals task is never held long
PRUNE_BATCHES = 20  # per run; a larger backlog (the first run after an upgrade) takes a few runs


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def add(session: Session, settings: Settings, url: object, secret: object, events: list[str]) -> Webhook:
    if not isinstance(url, str) or urlsplit(url.strip()).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise InvalidInput(N_("the URL must start with http:// or https://"), field="url")
    if not isinstance(secret, str) or len(secret.strip()) < 16:
        raise InvalidInput(N_("the secret must be at least 16 characters long"), field="secret")
    characters.refuse_unstorable(url + secret, "url")
    chosen = [event for event in EVENTS if event in events]
    if not chosen:
        raise InvalidInput(N_("choose at least one event"), field="events")
    hook = Webhook(url=url.strip()[:1000], secret=sealing.seal(settings, secret.strip()), events=chosen)
    session.add(hook)
    return hook


def queue_event(session: Session, event: str, payload: dict) -> int:
    """Write one delivery per active webhook subscribed to `event` (inside the caller's transaction)."""
    hooks = [hook for hook in session.scalars(select(Webhook).where(Webhook.active.is_(True))) if event in hook.events]
    if not hooks:
        return 0
    body = json.dumps({"event": event, "at": utcnow().isoformat(), **payload}, ensure_ascii=False, sort_keys=True)
    for hook in hooks:
        session.add(WebhookDelivery(webhook_id=hook.id, event=event, body=body))
    return len(hooks)


def recent(session: Session, limit: int = 50) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))


def deliver_due(sessions: sessionmaker[Session], settings: Settings) -> int:
    """Try every delivery that is due now; returns how many were delivered."""
    delivered = 0
    for delivery_id in _take_due(sessions, settings):
        delivered += _attempt(sessions, settings, delivery_id)
    return delivered


def _take_due(sessions: sessionmaker[Session], settings: Settings) -> list[int]:
    """Claim due deliveries by pushing their next attempt out: a second runner skips them."""
    now = utcnow()
    taken = []
    with session_scope(sessions) as session:
        due = session.execute(
            select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
            .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(BATCH)
        ).all()
        hold = now + timedelta(seconds=TIMEOUT * 3)
        for delivery_id, seen in due:
            claim = (
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, WebhookDelivery.next_attempt_at == seen)
                .where(WebhookDelivery.state == "pending")
                .values(next_attempt_at=hold)
            )
            if session.execute(claim).rowcount == 1:
                taken.append(delivery_id)
        session.commit()
    return taken


def _attempt(sessions: sessionmaker[Session], settings: Settings, delivery_id: int) -> int:
    with session_scope(sessions) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        url, body = delivery.webhook.url, delivery.body.encode()
        secret = _signing_key(session, settings, delivery.webhook)
    status, error = _post(url, secret, body, delivery_id) if secret else (None, UNREADABLE_SECRET)
    with session_scope(sessions) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        delivery.attempts += 1
        delivery.log.append(WebhookAttempt(status_code=status, error=error))
        ok = status is not None and 200 <= status < 300
        if ok or delivery.attempts >= settings.webhook_attempts:
            delivery.state = "delivered" if ok else "failed"
            delivery.next_attempt_at = utcnow()  # nothing is due any more: from now on, when it ended
        else:
            wait = settings.webhook_backoff_seconds * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = utcnow() + timedelta(seconds=wait)
        session.commit()
    if not ok:
        log.warning("webhook delivery %s to %s failed (attempt %s): %s", delivery_id, url, delivery.attempts, error)
    return int(ok)


def prune(sessions: sessionmaker[Session], settings: Settings) -> int:
    """Delete deliveries that ended more than `webhook_keep_days` ago, with their attempts.

    An ended delivery's `next_attempt_at` is when it ended, so the index that finds due
    deliveries also finds these. Batches keep each transaction short; the state condition in
    the DELETE makes it safe next to a runner that is delivering. Returns how many went.
    """
    if settings.webhook_keep_days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=settings.webhook_keep_days)
    removed = 0
    for _ in range(PRUNE_BATCHES):
        with session_scope(sessions) as session:
            ids = session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.state.in_(ENDED), WebhookDelivery.next_attempt_at < cutoff)
                .limit(PRUNE_BATCH)
            ).all()
            if ids:
                session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
                session.execute(
                    delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids), WebhookDelivery.state.in_(ENDED))
                )
                session.commit()
        removed += len(ids)
        if len(ids) < PRUNE_BATCH:
            break
    return removed


def _signing_key(session: Session, settings: Settings, hook: Webhook) -> str | None:
    """The webhook's secret in the clear; one stored before sealing is sealed now. None: unreadable."""
    try:
        secret = sealing.unseal(settings, hook.secret)
    except sealing.CannotUnseal:
        return None
    if not sealing.is_sealed(hook.secret):
        hook.secret = sealing.seal(settings, secret)
        session.commit()
    return secret


def _post(url: str, secret: str, body: bytes, delivery_id: int) -> tuple[int | None, str | None]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(secret, body),
            "X-Tarjama-Delivery": str(delivery_id),
            "User-Agent": "Tarjama-Webhooks/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - an admin's http(s) URL
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:500]
    except Exception as error:  # noqa: BLE001 - unreachable, timeout, TLS: logged, tried again later
        return None, f"{type(error).__name__}: {error}"[:500]
