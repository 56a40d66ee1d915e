"""What a worker does around its tasks: logging, metrics, heartbeats, and each task's log context.

Connected to Celery's signals by `workers.celery.make_celery`; the handlers run only inside a
worker (or, for `before_task_publish`, in whichever process queues a task).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import threading

from celery import signals

from service import heartbeat, logs, metrics
from service.settings import Settings

log = logging.getLogger(__name__)
REQUEST_HEADER = "tarjama_request_id"
CONTEXT_ARGS = ("post_id", "translation_id", "locale")
_beating: dict[str, threading.Event] = {}


def connect() -> None:
    """Connect the handlers once (Celery signals are process-wide; connecting twice is a no-op)."""
    signals.setup_logging.connect(_setup_logging, weak=False)
    signals.celeryd_after_setup.connect(_select_queues, weak=False)
    signals.worker_init.connect(_worker_init, weak=False)
    signals.worker_process_init.connect(_worker_init, weak=False)
    signals.worker_ready.connect(_start_heartbeat, weak=False)
    signals.worker_shutdown.connect(_stop_heartbeat, weak=False)
    signals.before_task_publish.connect(_carry_request_id, weak=False)
    signals.task_prerun.connect(_bind_task, weak=False)
    signals.task_postrun.connect(_unbind_task, weak=False)


def _settings() -> Settings:
    from workers.celery import app

    return app.tarjama_settings


def _setup_logging(loglevel=None, **_kwargs) -> None:
    """Tarjama's format (text or JSON) for every line the worker logs, Celery's own included."""
    logs.configure(_settings(), "worker", level=loglevel or None)


def _select_queues(sender=None, instance=None, **_kwargs) -> None:
    """Consume only the queues `TARJAMA_WORKER_QUEUES` selects (when set, it decides, over `-Q`)."""
    from service import routing

    settings = _settings()
    if settings.worker_queues and instance is not None:
        queues = routing.worker_queues(settings)
        instance.app.amqp.queues.select(queues)
        log.info("worker %s consumes %d queues: %s", sender, len(queues), ", ".join(queues))


def _worker_init(**_kwargs) -> None:
    metrics.configure(_settings())


def _start_heartbeat(sender=None, **_kwargs) -> None:
    """A daemon thread in the worker's main process: readiness checks read these beats."""
    settings = _settings()
    name = getattr(sender, "hostname", None) or f"worker@{os.uname().nodename}"
    stop = _beating.setdefault(name, threading.Event())
    url = settings.effective_redis_url
    interval = max(1, settings.worker_heartbeat_seconds)

    def run() -> None:
        failing = False
        while True:
            try:
                heartbeat.beat(url, name, os.getpid())
                failing = False
            except Exception as error:  # noqa: BLE001 - Redis may be down; keep trying
                if not failing:
                    log.warning("could not write the worker heartbeat: %s", error)
                failing = True
            if stop.wait(interval):
                return

    threading.Thread(target=run, name="tarjama-heartbeat", daemon=True).start()


def _stop_heartbeat(**_kwargs) -> None:
    settings = _settings()
    for name, stop in list(_beating.items()):
        stop.set()
        with contextlib.suppress(Exception):  # shutting down anyway; the beat goes stale on its own
            heartbeat.forget(settings.effective_redis_url, name)
    _beating.clear()


def _carry_request_id(headers=None, **_kwargs) -> None:
    """The web request that queued a task hands its id on, so one id follows the work."""
    request_id = logs.current().get("request_id")
    if request_id and headers is not None:
        headers[REQUEST_HEADER] = request_id


def _bind_task(task_id=None, task=None, args=(), kwargs=None, **_extra) -> None:
    known = {}
    try:
        bound = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {})).arguments
        known = {name: bound[name] for name in CONTEXT_ARGS if name in bound}
    except (TypeError, ValueError):
        pass
    request_id = getattr(task.request, REQUEST_HEADER, None) or (task.request.headers or {}).get(REQUEST_HEADER)
    logs.clear()
    logs.bind(request_id=request_id or task_id, task_id=task_id, **known)


def _unbind_task(**_kwargs) -> None:
    logs.clear()
