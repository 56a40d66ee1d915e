"""The Celery app. Creating it connects to nothing; settings come from `service.settings`."""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from service import routing
from service.settings import Settings, load_settings

TRANSLATE_TASK = "tarjama.translate_post"
SWEEP_TASK = "tarjama.sweep"
WORK_QUEUE = routing.DEFAULT_QUEUE
SWEEP_QUEUE = routing.SWEEP_QUEUE
MEMORY_TASK = "tarjama.memory_upkeep"
EMBARGO_TASK = "tarjama.lift_embargoes"
SIGNALS_TASK = "tarjama.deliver_signals"


def make_celery(settings: Settings) -> Celery:
    """Reliable delivery: late acks, redelivery when a worker dies, JSON messages only.

    Translations travel on one queue per engine and pair (service/routing.py); a worker consumes
    those `TARJAMA_WORKER_QUEUES` selects (`workers.lifecycle` applies the choice at start).
    """
    celery = Celery("tarjama", broker=settings.effective_redis_url, include=["workers.tasks"])
    celery.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": max(3600, settings.stuck_after_seconds * 2)},
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        task_default_queue=WORK_QUEUE,
        task_queues=tuple(Queue(name) for name in routing.all_queues(settings)),
        task_routes={SWEEP_TASK: {"queue": SWEEP_QUEUE}, SIGNALS_TASK: {"queue": SWEEP_QUEUE}},
        beat_schedule={
            "sweep-stuck-translations": {
                "task": SWEEP_TASK,
                "schedule": float(settings.sweep_interval_seconds),
                # While no worker runs, sweeps are dropped after 5 minutes instead of piling up. (Not
                # sooner: a worker busy with long drafts must still get to one between them.)
                "options": {"expires": 300.0},
            },
            "memory-index-upkeep": {"task": MEMORY_TASK, "schedule": 3600.0},
            # Embargoed posts go live within a minute of their time, with fresh caches and sitemaps.
            "lift-embargoes": {
                "task": EMBARGO_TASK,
                "schedule": float(settings.embargo_interval_seconds),
                "options": {"expires": 60.0},
            },
            # The webhook and e-mail outbox (service/webhooks.py, service/mail.py).
            "deliver-signals": {
                "task": SIGNALS_TASK,
                "schedule": float(settings.signals_interval_seconds),
                "options": {"expires": 60.0},
            },
        },
        worker_hijack_root_logger=False,
    )
    celery.tarjama_settings = settings
    from workers import lifecycle

    lifecycle.connect()
    return celery


app = make_celery(load_settings())
