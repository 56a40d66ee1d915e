"""Worker heartbeats in Redis: each worker writes "I am alive" every few seconds; readiness reads them.

Kept in the broker's Redis database (a hash, one field per worker) because a worker that cannot
reach Redis cannot receive work either, and because every process already has its URL.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cache

import redis

KEY = "tarjama:workers"
FORGET_AFTER = 86400  # fields of workers gone for a day are dropped


@cache
def client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL, with short timeouts: health checks must not hang."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


@dataclass(frozen=True)
class Beat:
    worker: str
    at: float
    pid: int

    def age(self, now: float | None = None) -> float:
        return max(0.0, (now or time.time()) - self.at)


def beat(url: str, worker: str, pid: int) -> None:
    """Record that `worker` is alive now, and forget workers silent for a day."""
    connection = client(url)
    now = time.time()
    connection.hset(KEY, worker, json.dumps({"at": now, "pid": pid}))
    stale = [b.worker for b in read(url) if b.age(now) > FORGET_AFTER]
    if stale:
        connection.hdel(KEY, *stale)


def forget(url: str, worker: str) -> None:
    """A worker shutting down cleanly says so, so readiness does not wait for it to go stale."""
    client(url).hdel(KEY, worker)


def read(url: str) -> list[Beat]:
    """Every worker's last heartbeat, newest first."""
    beats = []
    for name, raw in client(url).hgetall(KEY).items():
        try:
            data = json.loads(raw)
            beats.append(Beat(name.decode(), float(data["at"]), int(data.get("pid", 0))))
        except (ValueError, KeyError, TypeError):
            continue
    return sorted(beats, key=lambda b: b.at, reverse=True)
