"""Reader pages are rendered once per change and then served from memory, with ETag and 304s.

The cache key holds the locale's generation (service.cache), so publishing anything in a
locale invalidates its pages in every web process at once. The hour is in the key as well,
so relative times ("3 hours ago") never go stale by more than an hour.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from functools import wraps

from flask import Response, current_app, request

from service import cache, metrics
from service.models import as_utc
from service.web.database import get_session

MAX_ENTRIES = 2000
_lock = threading.Lock()


def _store() -> OrderedDict:
    return current_app.extensions.setdefault("tarjama.page_cache", OrderedDict())


def cached(scope_of):
    """Cache a view's 200 answers; `scope_of(kwargs)` names the locale whose generation applies."""

    def decorator(view):
        @wraps(view)
        def wrapper(**kwargs):
            scope = scope_of(kwargs)
            generation, changed_at = cache.current(get_session(), scope)
            hour = datetime.now(UTC).strftime("%Y%m%d%H")
            key = (request.full_path, scope, generation, hour)
            store = _store()
            with _lock:
                entry = store.get(key)
                if entry is not None:
                    store.move_to_end(key)
            metrics.count_cache(hit=entry is not None)
            if entry is None:
                response = current_app.make_response(view(**kwargs))
                if response.status_code != 200:
                    return response
                body = response.get_data()
                entry = (body, response.mimetype, dict(response.headers), hashlib.sha256(body).hexdigest()[:32])
                with _lock:
                    store[key] = entry
                    while len(store) > MAX_ENTRIES:
                        store.popitem(last=False)
            return _conditional(entry, changed_at)

        return wrapper

    return decorator


def _conditional(entry: tuple[bytes, str, dict, str], changed_at: datetime | None) -> Response:
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
