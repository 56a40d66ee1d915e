"""Prometheus metrics: what happened (counters, histograms) and what is stored now (gauges).

Two kinds of numbers, two mechanisms, so that every scrape is right whichever process answers it:

- Events (HTTP requests, page-cache lookups, MT batches, translation history events, intake to
  draft/publish times) are counted where they happen: in gunicorn's web workers and in Celery
  workers. prometheus-client's multiprocess mode keeps each process's numbers in a small mmap
  file in one directory (`TARJAMA_METRICS_DIR`, default `<data dir>/metrics`), and `/metrics`
  adds up every file. Files are named by host and pid, so containers sharing the data volume
  never write the same file.
- State (translations per state, queue depth per language pair, broker queue lengths, worker
  heartbeats) is read from the database and Redis at scrape time.

Importing this module loads nothing; `configure` is called by the web factory and the worker.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache, wraps
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings

log = logging.getLogger(__name__)
ENV = "PROMETHEUS_MULTIPROC_DIR"
FLOW_KEY = "tarjama.metrics.flow"
DRAFT_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400)
PUBLISH_BUCKETS = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800)
CELERY_INTERNAL_EXCHANGES = {"celeryev", "celery.pidbox", "reply.celery.pidbox"}
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def configure(settings: Settings) -> Path:
    """Switch this process to multiprocess mode in the shared directory (idempotent).

    An existing PROMETHEUS_MULTIPROC_DIR wins, so every process of one stack agrees on it.
    """
    directory = Path(os.environ.setdefault(ENV, str(settings.effective_metrics_dir)))
    directory.mkdir(parents=True, exist_ok=True)
    from prometheus_client import values

    if not getattr(values.ValueClass, "_tarjama", False):
        host = _host()
        value_class = values.MultiProcessValue(process_identifier=lambda: f"{host}-{os.getpid()}")
        value_class._tarjama = True
        values.ValueClass = value_class
    return directory


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())


def forget_dead_processes(settings: Settings) -> int:
    """Delete the files of this host's processes that have ended (an earlier run of the stack),
    never those of running ones, which keep writing to the files they have open."""
    directory = Path(os.environ.get(ENV) or settings.effective_metrics_dir)
    removed = 0
    for path in directory.glob("*.db"):
        host, _, pid = path.stem.rsplit("_", 1)[-1].rpartition("-")
        if host in ("", _host()) and pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _best_effort(observe: Callable) -> Callable:
    """Counting must never break the work it counts: a failure is logged once, then ignored."""

    @wraps(observe)
    def wrapper(*args, **kwargs) -> None:
        try:
            observe(*args, **kwargs)
        except Exception as error:  # noqa: BLE001
            if observe.__name__ not in _failed:
                _failed.add(observe.__name__)
                log.warning("metrics: %s failed, numbers will be missing: %s", observe.__name__, error)

    return wrapper


_failed: set[str] = set()


@cache
def _metrics() -> SimpleNamespace:
    """Created on first use, after `configure`, so their values live in the shared files."""
    from prometheus_client import Counter, Histogram

    return SimpleNamespace(
        http=Histogram(
            "tarjama_http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            ["method", "route", "status"],
            registry=None,
        ),
        cache=Counter(
            "tarjama_page_cache_requests",
            "Reader page requests by cache result (hit or miss)",
            ["result"],
            registry=None,
        ),
        mt_segments=Counter(
            "tarjama_mt_segments",
            "Segments machine-translated, by engine",
            ["engine", "source", "target"],
            registry=None,
        ),
        mt_seconds=Counter(
            "tarjama_mt_seconds",
            "Seconds spent in MT engine calls, by engine",
            ["engine", "source", "target"],
            registry=None,
        ),
        events=Counter(
            "tarjama_translation_events",
            "Translation history events (drafted, failed, published, ...)",
            ["action"],
            registry=None,
        ),
        to_draft=Histogram(
            "tarjama_intake_to_draft_seconds",
            "Time from a revision's intake to its machine-translated draft",
            ["locale"],
            buckets=DRAFT_BUCKETS,
            registry=None,
        ),
        to_publish=Histogram(
            "tarjama_intake_to_publish_seconds",
            "Time from a revision's intake to the publication of its translation",
            ["locale"],
            buckets=PUBLISH_BUCKETS,
            registry=None,
        ),
    )


@_best_effort
def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    _metrics().http.labels(method, route, str(status)).observe(seconds)


@_best_effort
def count_cache(hit: bool) -> None:
    _metrics().cache.labels("hit" if hit else "miss").inc()


@_best_effort
def observe_mt(engine: str, source: str, target: str, segments: int, seconds: float) -> None:
    metrics = _metrics()
    metrics.mt_segments.labels(engine, source, target).inc(segments)
    metrics.mt_seconds.labels(engine, source, target).inc(seconds)


# --- translation flow: observed from the history events every path writes, after its commit ---


def track_flow(factory: sessionmaker[Session]) -> None:
    """Count TranslationEvents committed through this session factory (drafts in workers,
    approvals in the web, anything added later) without touching the code that writes them."""
    if not event.contains(factory, "after_flush", _note_events):
        event.listen(factory, "after_flush", _note_events)
        event.listen(factory, "before_commit", _measure_flow)
        event.listen(factory, "after_commit", _observe_flow)
        event.listen(factory, "after_rollback", _forget_flow)


def _note_events(session: Session, _context) -> None:
    from service.models import TranslationEvent

    for obj in session.new:
        if isinstance(obj, TranslationEvent):
            session.info.setdefault(FLOW_KEY, []).append((obj.action, obj.translation_id, obj.at))


def note_bulk_events(session: Session, action: str, count: int) -> None:
    """Events written with one bulk INSERT (no ORM objects for `_note_events` to see), e.g. intake's."""
    session.info.setdefault(FLOW_KEY, []).extend([(action, None, None)] * count)


def _measure_flow(session: Session) -> None:
    """Before the commit, while SQL may still run: intake times of the translations concerned."""
    from service.models import Revision, Translation, as_utc

    session.flush()  # what the commit would flush next: its events reach `_note_events` now
    pending = session.info.pop(FLOW_KEY, [])
    if not pending:
        return
    ids = {translation_id for action, translation_id, _ in pending if action in ("drafted", "published")}
    intake: dict[int, tuple[str, datetime]] = {}
    if ids:
        rows = session.execute(
            select(Translation.id, Translation.locale, Revision.created_at)
            .join(Revision, Revision.id == Translation.revision_id)
            .where(Translation.id.in_(ids))
        )
        intake = {row.id: (row.locale, as_utc(row.created_at)) for row in rows}
    measured = []
    for action, translation_id, at in pending:
        locale, since = intake.get(translation_id, (None, None))
        seconds = (as_utc(at) - since).total_seconds() if since and at else None
        measured.append((action, locale, seconds))
    session.info.setdefault(FLOW_KEY + ".measured", []).extend(measured)  # a savepoint's, then the rest


@_best_effort
def _observe_flow(session: Session) -> None:
    measured = session.info.pop(FLOW_KEY + ".measured", [])
    metrics = _metrics() if measured else None
    for action, locale, seconds in measured:
        metrics.events.labels(action).inc()
        if seconds is not None and action == "drafted":
            metrics.to_draft.labels(locale).observe(max(0.0, seconds))
        elif seconds is not None and action == "published":
            metrics.to_publish.labels(locale).observe(max(0.0, seconds))


def _forget_flow(session: Session) -> None:
    session.info.pop(FLOW_KEY, None)
    session.info.pop(FLOW_KEY + ".measured", None)


# --- exposition ---


def render(session: Session, settings: Settings) -> bytes:
    """The text exposition format: every process's events plus the stored state, now."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(ENV)
    if directory and Path(directory).is_dir():
        MultiProcessCollector(registry, path=directory)
    else:  # not configured (a script, a test): this process's own numbers
        for metric in vars(_metrics()).values():
            registry.register(metric)
    registry.register(StoredState(session, settings))
    return generate_latest(registry)


class StoredState:
    """Gauges read at scrape time; a dependency that is down is reported as `tarjama_up 0`."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    def collect(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily("tarjama_up", "Whether a dependency answered this scrape", labels=["component"])
        for component, gauges in (("database", self._database), ("redis", self._redis)):
            try:
                families = list(gauges())
            except Exception as error:  # noqa: BLE001 - a scrape reports what it can
                log.info("metrics: could not read %s: %s", component, error)
                self.session.rollback()
                up.add_metric([component], 0)
                continue
            up.add_metric([component], 1)
            yield from families
        yield up

    def _database(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily

        from service.models import Post, State, Translation, as_utc

        states = GaugeMetricFamily(
            "tarjama_translations", "Translations by locale and state", labels=["locale", "state"]
        )
        rows = self.session.execute(
            select(Translation.locale, Translation.state, func.count()).group_by(Translation.locale, Translation.state)
        )
        for locale, state, count in rows:
            states.add_metric([locale, state], count)
        yield states

        depth = GaugeMetricFamily(
            "tarjama_queue_depth",
            "Translations waiting for machine translation, by language pair and the engine that serves it",
            labels=["source", "target", "engine"],
        )
        oldest = GaugeMetricFamily(
            "tarjama_queue_oldest_seconds",
            "Age of the longest-waiting translation, by language pair",
            labels=["source", "target", "engine"],
        )
        rows = self.session.execute(
            select(Post.source_locale, Translation.locale, func.count(), func.min(Translation.state_changed_at))
            .join(Post, Post.id == Translation.post_id)
            .where(Translation.state == State.queued.value)
            .group_by(Post.source_locale, Translation.locale)
        )
        now = time.time()
        for source, target, count, since in rows:
            labels = [source, target, self.settings.engine_for(source, target)]
            depth.add_metric(labels, count)
            oldest.add_metric(labels, max(0.0, now - as_utc(since).timestamp()))
        yield depth
        yield oldest

    def _redis(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily

        from service import dispatch, heartbeat

        url = self.settings.effective_redis_url
        client = heartbeat.client(url)
        lengths = GaugeMetricFamily(
            "tarjama_broker_queue_messages", "Messages waiting in each Celery queue in Redis", labels=["queue"]
        )
        for queue, length in broker_queues(client, dispatch.queue_names(self.settings)).items():
            lengths.add_metric([queue], length)
        yield lengths
        ages = GaugeMetricFamily(
            "tarjama_worker_heartbeat_age_seconds", "Seconds since each worker last reported", labels=["worker"]
        )
        now = time.time()
        for beat in heartbeat.read(url):
            ages.add_metric([beat.worker], beat.age(now))
        yield ages


def broker_queues(client, configured: set[str]) -> dict[str, int]:
    """Length of every queue: those configured, and those declared in the broker (kombu's
    bindings), so queues added later (one per engine or language pair) come without a change here."""
    names = set(configured)
    for key in client.scan_iter(match="_kombu.binding.*", count=100):
        exchange = key.decode("utf-8", "replace").removeprefix("_kombu.binding.")
        if exchange in CELERY_INTERNAL_EXCHANGES or exchange.endswith(".pidbox"):
            continue  # events and remote control, not work
        for member in client.smembers(key):
            names.add(member.decode("utf-8", "replace").split("\x06\x16")[-1])
    return {name: int(client.llen(name)) for name in sorted(names)}
