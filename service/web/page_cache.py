"""Reader pages are rendered once per change and then served from memory, with ETag and 304s.

The cache key holds the scope's generation (service.cache). Each web process keeps a copy of all
generations and re-reads it at most once per `page_cache_recheck` seconds (default 1 s), so a
cache hit runs no query at all, and a publish made in another process (another gunicorn worker,
a Celery task, the CLI) shows within that bound. A publish made in this process is seen at once:
committing a session that bumped a generation makes the next request re-read them.
The hour is in the key as well, so relative times ("3 hours ago") never go stale by more than an
hour. Entries are evicted least recently used, within a byte budget.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import wraps

from flask import Flask, Response, current_app, request
from sqlalchemy import event

from service import cache, metrics
from service.models import as_utc

MAX_BYTES = 128 * 1024 * 1024
MAX_ENTRY_BYTES = 16 * 1024 * 1024
Entry = tuple[bytes, str, dict, str]


class PageCache:
    def __init__(self, sessions, recheck_seconds: float) -> None:
        self.sessions = sessions
        self.recheck_seconds = recheck_seconds
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.size = 0
        self.generations: dict[str, tuple[int, datetime]] = {}
        self.read_at = float("-inf")
        self.lock = threading.Lock()

    def generation(self, scope: str) -> tuple[int, datetime | None]:
        if time.monotonic() - self.read_at >= self.recheck_seconds:
            self.reload()
        return self.generations.get(scope, (0, None))

    def reload(self) -> None:
        with self.sessions() as session:
            generations = cache.every_generation(session)
        self.generations, self.read_at = generations, time.monotonic()

    def expire(self) -> None:
        self.read_at = float("-inf")

    def get(self, key: tuple) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if len(entry[0]) > MAX_ENTRY_BYTES:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry[0])
            while self.size > MAX_BYTES:
                _key, (body, *_rest) = self.entries.popitem(last=False)
                self.size -= len(body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


def init_app(app: Flask, sessions, recheck_seconds: float) -> None:
    page_cache = PageCache(sessions, recheck_seconds)
    app.extensions["tarjama.page_cache"] = page_cache

    @event.listens_for(sessions, "after_commit")
    def _seen_bump(session) -> None:
        if session.info.pop(cache.BUMPED, False):
            page_cache.expire()

    @event.listens_for(sessions, "after_rollback")
    def _forget_bump(session) -> None:
        session.info.pop(cache.BUMPED, None)


def page_cache() -> PageCache:
    return current_app.extensions["tarjama.page_cache"]


def cached(scope_of):
    """Cache a view's 200 answers; `scope_of(kwargs)` names the scope whose generation applies."""

    def decorator(view):
        @wraps(view)
        def wrapper(**kwargs):
            store = page_cache()
            scope = scope_of(kwargs)
            generation, changed_at = store.generation(scope)
            key = (request.full_path, scope, generation, datetime.now(UTC).strftime("%Y%m%d%H"))
            entry = store.get(key)
            metrics.count_cache(hit=entry is not None)
            if entry is None:
                response = current_app.make_response(view(**kwargs))
                if response.status_code != 200:
                    return response
                body = response.get_data()
                entry = (body, response.mimetype, dict(response.headers), hashlib.sha256(body).hexdigest()[:32])
                store.put(key, entry)
            return _conditional(entry, changed_at)

        return wrapper

    return decorator


def _conditional(entry: Entry, changed_at: datetime | None) -> Response:
    body, mimetype, headers, etag = entry
    response = Response(body, mimetype=mimetype)
    for name in ("Vary", "Content-Language"):
        if name in headers:
            response.headers[name] = headers[name]
    response.set_etag(etag)
    if changed_at is not None:
        response.last_modified = as_utc(changed_at)
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response.make_conditional(request)
