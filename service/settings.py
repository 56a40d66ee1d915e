"""Every option of Tarjama in one place, with its default and its environment variable.

Flask, Celery, the CLI and the tests all read configuration from a `Settings` object, so no
module reads the environment on its own.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})


class SettingsError(ValueError):
    """An environment variable holds a value Tarjama cannot use."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""
    locales: tuple[str, ...] = ("en", "fa", "ar", "fr", "de", "es")
    source_locale: str = "en"
    mt_engines: tuple[tuple[str, str], ...] = (("*", "argos"),)
    secret_key: str = ""
    argos_packages_dir: Path | None = None
    mt_batch_size: int = 32
    mt_beam_size: int = 2
    mt_device: str = "cpu"
    mt_threads: int = 0  # CTranslate2 threads per model; 0: one per core
    mt_parallel_batches: int = 0  # CTranslate2 batches one model runs at once (its threads split among them); 0: auto
    mt_posts_per_batch: int = 20
    mt_segments_per_batch: int = 1000
    worker_queues: tuple[str, ...] = ()  # empty: every queue (service/routing.py)
    stuck_after_seconds: int = 15
    sweep_interval_seconds: int = 5
    lease_seconds: int = 20
    heartbeat_seconds: int = 5
    claim_idle_seconds: int = 3600
    max_post_bytes: int = 1_000_000
    max_segments: int = 2000
    site_name: str = "Tarjama"
    secure_cookies: bool = False
    fa_solar_hijri: bool = True
    trusted_proxies: int = 0
    posts_per_page: int = 10
    page_cache_recheck: float = 1.0
    translations_dir: Path = PROJECT_ROOT / "locales"
    metrics_token: str = ""
    metrics_dir: Path | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    worker_heartbeat_seconds: int = 15
    worker_stale_after_seconds: int = 120
    signals_interval_seconds: float = 2.0
    embargo_interval_seconds: float = 20.0  # how soon an embargoed story's cached pages are refreshed
    webhook_attempts: int = 8
    webhook_backoff_seconds: float = 10.0
    webhook_keep_days: int = 30  # delivered and failed deliveries; 0: keep them forever
    smtp_url: str = ""
    mail_from: str = "tarjama@localhost"

    @property
    def target_locales(self) -> tuple[str, ...]:
        return tuple(loc for loc in self.locales if loc != self.source_locale)

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or "redis://127.0.0.1:6379/0"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'tarjama.db').resolve()}"

    @property
    def effective_argos_dir(self) -> Path:
        return (self.argos_packages_dir or self.data_dir / "argos-packages").resolve()

    @property
    def effective_metrics_dir(self) -> Path:
        return (self.metrics_dir or self.data_dir / "metrics").resolve()

    def engine_for(self, source: str, target: str) -> str:
        """The MT engine serving a language pair: the first matching rule wins."""
        pair = f"{source}-{target}"
        for pattern, engine in self.mt_engines:
            if pattern in (pair, "*", f"{source}-*", f"*-{target}"):
                return engine
        return "argos"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


def parse_engines(spec: str) -> tuple[tuple[str, str], ...]:
    """Parse `en-es=apertium,*=argos` into ordered (pattern, engine) rules."""
    rules = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        pattern, sep, engine = item.partition("=")
        if not sep or engine.strip() not in {"argos", "apertium"}:
            raise SettingsError(f"TARJAMA_MT_ENGINES: cannot read {item!r}; write pairs like 'en-es=apertium,*=argos'")
        rules.append((pattern.strip(), engine.strip()))
    return tuple(rules)


def _int(env: dict[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int, "a whole number")


def _count(env: dict[str, str], name: str, default: int) -> int:
    """A whole number, 0 or more (0 meaning "automatic" where the variable says so)."""
    value = _int(env, name, default)
    if value < 0:
        raise SettingsError(f"{name} must be 0 or more, got {value}")
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float, "a number")


def _number(env: dict[str, str], name: str, default, kind: type, what: str):
    """The variable read as `kind`; unset or empty gives the default, anything else unreadable is an error."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from exc


def _choice(env: dict[str, str], name: str, default: str, choices: set[str]) -> str:
    value = (env.get(name) or default).strip()
    for choice in choices:
        if choice.lower() == value.lower():
            return choice
    raise SettingsError(f"{name} must be one of {', '.join(sorted(choices))}, got {value!r}")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from the environment (or a given mapping, for tests)."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("TARJAMA_DATA_DIR", "var"))
    locales = tuple(x.strip() for x in env.get("TARJAMA_LOCALES", "en,fa,ar,fr,de,es").split(",") if x.strip())
    source = env.get("TARJAMA_SOURCE_LOCALE", "en").strip()
    if source not in locales:
        raise SettingsError(f"TARJAMA_SOURCE_LOCALE {source!r} is not one of TARJAMA_LOCALES {','.join(locales)}")
    argos_dir = env.get("TARJAMA_ARGOS_PACKAGES_DIR") or env.get("ARGOS_PACKAGES_DIR")
    return Settings(
        data_dir=data_dir,
        database_url=env.get("TARJAMA_DATABASE_URL", ""),
        redis_url=env.get("TARJAMA_REDIS_URL", ""),
        locales=locales,
        source_locale=source,
        mt_engines=parse_engines(env.get("TARJAMA_MT_ENGINES", "*=argos")),
        secret_key=env.get("TARJAMA_SECRET_KEY", ""),
        argos_packages_dir=Path(argos_dir) if argos_dir else None,
        mt_batch_size=_int(env, "TARJAMA_MT_BATCH_SIZE", 32),
        mt_beam_size=_int(env, "TARJAMA_MT_BEAM_SIZE", 2),
        mt_device=_choice(env, "TARJAMA_MT_DEVICE", "cpu", {"cpu", "cuda", "auto"}),
        mt_threads=_count(env, "TARJAMA_MT_THREADS", 0),
        mt_parallel_batches=_count(env, "TARJAMA_MT_PARALLEL_BATCHES", 0),
        mt_posts_per_batch=_int(env, "TARJAMA_MT_POSTS_PER_BATCH", 20),
        mt_segments_per_batch=_int(env, "TARJAMA_MT_SEGMENTS_PER_BATCH", 1000),
        worker_queues=tuple(x.strip() for x in env.get("TARJAMA_WORKER_QUEUES", "").split(",") if x.strip()),
        stuck_after_seconds=_int(env, "TARJAMA_STUCK_AFTER", 15),
        sweep_interval_seconds=_int(env, "TARJAMA_SWEEP_INTERVAL", 5),
        lease_seconds=_int(env, "TARJAMA_LEASE_SECONDS", 20),
        heartbeat_seconds=_int(env, "TARJAMA_HEARTBEAT_SECONDS", 5),
        claim_idle_seconds=_int(env, "TARJAMA_CLAIM_IDLE", 3600),
        max_post_bytes=_int(env, "TARJAMA_MAX_POST_BYTES", 1_000_000),
        max_segments=_int(env, "TARJAMA_MAX_SEGMENTS", 2000),
        site_name=env.get("TARJAMA_SITE_NAME", "Tarjama"),
        secure_cookies=env.get("TARJAMA_SECURE_COOKIES", "0").lower() in {"1", "true", "yes"},
        trusted_proxies=_int(env, "TARJAMA_TRUSTED_PROXIES", 0),
        fa_solar_hijri=env.get("TARJAMA_FA_SOLAR_HIJRI", "1").lower() in {"1", "true", "yes"},
        posts_per_page=_int(env, "TARJAMA_POSTS_PER_PAGE", 10),
        metrics_token=env.get("TARJAMA_METRICS_TOKEN", ""),
        metrics_dir=_path(env.get("TARJAMA_METRICS_DIR") or env.get("PROMETHEUS_MULTIPROC_DIR")),
        log_format=_choice(env, "TARJAMA_LOG_FORMAT", "text", {"text", "json"}),
        log_level=_choice(env, "TARJAMA_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
        worker_heartbeat_seconds=_int(env, "TARJAMA_WORKER_HEARTBEAT", 15),
        worker_stale_after_seconds=_int(env, "TARJAMA_WORKER_STALE_AFTER", 120),
        page_cache_recheck=_float(env, "TARJAMA_PAGE_CACHE_RECHECK", 1.0),
        signals_interval_seconds=_float(env, "TARJAMA_SIGNALS_INTERVAL", 2.0),
        embargo_interval_seconds=_float(env, "TARJAMA_EMBARGO_INTERVAL", 20.0),
        webhook_attempts=_int(env, "TARJAMA_WEBHOOK_ATTEMPTS", 8),
        webhook_backoff_seconds=_float(env, "TARJAMA_WEBHOOK_BACKOFF", 10.0),
        webhook_keep_days=_int(env, "TARJAMA_WEBHOOK_KEEP_DAYS", 30),
        smtp_url=env.get("TARJAMA_SMTP_URL", ""),
        mail_from=env.get("TARJAMA_MAIL_FROM", "tarjama@localhost"),
    )


def _path(raw: str | None) -> Path | None:
    return Path(raw) if raw else None


def dev_secret(data_dir: Path) -> str:
    """A random secret kept in the data dir, so local sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
