"""The only door from the service to the queue. Called after the commit, never before.

All the tasks of one call go to Redis in one pipeline: one round trip, however many locales
(kombu's batch publishing; the first call of a process also declares the queues).
If the broker is down the work is not lost: the rows stay `queued` and the periodic sweep
queues them again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache

from service import routing
from service.settings import Settings

log = logging.getLogger(__name__)


@cache
def _celery(settings: Settings):
    from workers.celery import make_celery

    return make_celery(settings)


def enqueue_translations(settings: Settings, work: Iterable[tuple[int, str, str]]) -> int:
    """Queue one translate task per (post id, locale, source locale), each on its pair's queue
    (service/routing.py); returns how many were sent."""
    from workers.celery import TRANSLATE_TASK

    work = [(post_id, locale, routing.queue_for(settings, source, locale)) for post_id, locale, source in work]
    if not work:
        return 0
    celery = _celery(settings)
    try:
        with celery.producer_or_acquire() as producer, producer.batch():
            for post_id, locale, queue in work:
                celery.send_task(TRANSLATE_TASK, args=[post_id, locale], queue=queue, producer=producer, retry=True)
    except Exception as error:  # noqa: BLE001 - the sweep will retry; the request must not fail
        log.warning("could not queue %d translation task(s) %s: %s", len(work), work[:6], error)
        return 0
    return len(work)


def queue_names(settings: Settings) -> set[str]:
    """The queues the Celery configuration sends work to (for metrics; no connection is made)."""
    return set(_celery(settings).amqp.queues.keys())
