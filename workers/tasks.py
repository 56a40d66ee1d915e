"""Celery tasks: thin wrappers that take ids and call plain functions in `drafting`."""

from __future__ import annotations

import logging
from functools import cache

from kombu.exceptions import ChannelError
from sqlalchemy.orm import Session, sessionmaker

from service import routing
from service.db import make_engine, make_session_factory
from service.settings import Settings
from workers import batching, drafting
from workers.celery import EMBARGO_TASK, MEMORY_TASK, SIGNALS_TASK, SWEEP_TASK, TRANSLATE_TASK, app

log = logging.getLogger(__name__)


def _settings() -> Settings:
    return app.tarjama_settings


@cache
def _sessions() -> sessionmaker[Session]:
    """One engine per worker process, made on first use (never at import)."""
    return make_session_factory(make_engine(_settings()))


@app.task(name=TRANSLATE_TASK)
def translate_post(post_id: int, locale: str) -> str:
    state = batching.draft_waiting(_sessions(), _settings(), post_id, locale)
    log.log(logging.WARNING if state == "failed" else logging.INFO, "translation is now %s", state)
    return state


@app.task(name=SWEEP_TASK)
def sweep() -> int:
    from service import dispatch

    waiting = _waiting_messages(routing.translation_queues(_settings()))
    stuck = drafting.find_stuck(
        _sessions(),
        _settings(),
        queue_is_empty=lambda source, locale: waiting.get(routing.queue_for(_settings(), source, locale), 0) == 0,
    )
    dispatch.enqueue_translations(_settings(), stuck)
    return len(stuck)


def _waiting_messages(queues: list[str]) -> dict[str, int]:
    """Messages waiting in each translation queue (not yet taken by a worker)."""
    counts = {}
    with app.connection_or_acquire() as connection:
        for queue in queues:
            try:
                counts[queue] = connection.default_channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:  # the queue does not exist: Redis lost it, or nothing was ever queued
                counts[queue] = 0
    return counts


@app.task(name=EMBARGO_TASK)
def lift_embargoes() -> int:
    """Posts whose embargo ended: their pages are visible now; refresh the caches that list them."""
    from service import embargo
    from service.db import session_scope

    with session_scope(_sessions()) as session:
        lifted = embargo.lift_due(session)
        session.commit()
    return len(lifted)


@app.task(name=MEMORY_TASK)
def memory_upkeep() -> int:
    """Keep the fuzzy-match index fast as the memory grows (see service/memory_index.py)."""
    from service import memory_index
    from service.db import session_scope

    return memory_index.upkeep(lambda: session_scope(_sessions()))


@app.task(name=SIGNALS_TASK)
def deliver_signals() -> int:
    """Drain the outbox: due webhook deliveries, then waiting e-mail copies of notifications;
    then forget deliveries that ended long ago."""
    from service import mail, webhooks

    sent = webhooks.deliver_due(_sessions(), _settings()) + mail.send_pending(_sessions(), _settings())
    webhooks.prune(_sessions(), _settings())
    return sent
