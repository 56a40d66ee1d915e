"""Is this installation ready to serve? The checks behind `/readyz` and `tarjama check`.

Dependencies (database, Redis, a worker seen recently) are checked live; configuration checks
look for settings that work on a laptop but not in production. Each check is a plain function
returning a `Check`; the web view and the command only present them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import Engine, text

from service import heartbeat
from service.settings import Settings

log = logging.getLogger(__name__)
PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "dev", "test", "test-secret"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    severity: str = "fail"  # what a failed check means: "fail" (not ready) or "warn" (works, but look at it)
    error: str = ""  # the full error, for the operator's shell and the log, never for HTTP answers

    @property
    def failed(self) -> bool:
        return not self.ok and self.severity == "fail"


def _down(name: str, error: Exception) -> Check:
    log.info("readiness: %s is down: %s", name, error)  # /readyz is polled: not a warning each time
    return Check(name, False, f"unreachable ({type(error).__name__})", error=str(error))


def database(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the log has the detail
        return _down("database", error)
    return Check("database", True, f"reachable ({engine.dialect.name})")


def redis(settings: Settings) -> Check:
    try:
        heartbeat.client(settings.effective_redis_url).ping()
    except Exception as error:  # noqa: BLE001
        return _down("redis", error)
    return Check("redis", True, "reachable")


def worker(settings: Settings, redis_check: Check | None = None) -> Check:
    """A worker wrote a heartbeat within TARJAMA_WORKER_STALE_AFTER seconds."""
    if redis_check is not None and not redis_check.ok:
        return Check("worker", False, "unknown: Redis is down")
    try:
        beats = heartbeat.read(settings.effective_redis_url)
    except Exception as error:  # noqa: BLE001
        return _down("worker", error)
    limit = settings.worker_stale_after_seconds
    now = time.time()
    alive = [b for b in beats if b.age(now) <= limit]
    if alive:
        return Check("worker", True, f"{len(alive)} seen in the last {limit} s (newest {alive[0].age(now):.0f} s ago)")
    if beats:
        return Check("worker", False, f"none seen in the last {limit} s (last: {beats[0].age(now):.0f} s ago)")
    return Check("worker", False, "no worker has ever reported: start 'celery -A workers worker'")


def dependencies(settings: Settings, engine: Engine) -> list[Check]:
    redis_check = redis(settings)
    return [database(engine), redis_check, worker(settings, redis_check)]


def schema(settings: Settings, engine: Engine) -> Check:
    """The database is at the newest migration (`tarjama init` upgrades it)."""
    from service.migrate import revisions

    try:
        current, heads = revisions(settings, engine)
    except Exception as error:  # noqa: BLE001
        return _down("schema", error)
    if current == heads:
        return Check("schema", True, f"at {', '.join(sorted(heads))}")
    found = ", ".join(sorted(current)) or "empty"
    return Check("schema", False, f"at {found}, the code expects {', '.join(sorted(heads))}: run 'tarjama init'")


def configuration(settings: Settings) -> list[Check]:
    """Settings that are fine for a local try but wrong for a newsroom's server."""
    checks = []
    key = settings.secret_key
    if not key:
        checks.append(
            Check(
                "secret key",
                False,
                "TARJAMA_SECRET_KEY is not set: a random key kept in the data dir is used; "
                "set one when several hosts serve the site",
                severity="warn",
            )
        )
    elif key.lower() in PLACEHOLDER_SECRETS or len(key) < 16:
        checks.append(Check("secret key", False, "TARJAMA_SECRET_KEY is a placeholder or shorter than 16 characters"))
    else:
        checks.append(Check("secret key", True, "set"))
    if settings.trusted_proxies and not settings.secure_cookies:
        checks.append(
            Check(
                "secure cookies",
                False,
                "behind a proxy (TARJAMA_TRUSTED_PROXIES) but TARJAMA_SECURE_COOKIES=0: "
                "set it to 1 when the site is served over HTTPS",
                severity="warn",
            )
        )
    else:
        state = "on" if settings.secure_cookies else "off (no proxy configured: local use)"
        checks.append(Check("secure cookies", True, state))
    if settings.metrics_token:
        checks.append(Check("metrics", True, "/metrics requires TARJAMA_METRICS_TOKEN"))
    else:
        checks.append(
            Check(
                "metrics",
                False,
                "TARJAMA_METRICS_TOKEN is not set: /metrics answers admins' tokens and loopback requests; "
                "behind a proxy on this host set TARJAMA_TRUSTED_PROXIES so the proxy is not taken for loopback",
                severity="warn",
            )
        )
    return checks
