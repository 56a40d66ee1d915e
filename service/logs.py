"""Log lines for people (text) or for log collectors (`TARJAMA_LOG_FORMAT=json`, one object a line).

Web requests and worker tasks bind what they know (request id, post id, locale, ...) into a
context variable; every line logged while it is bound carries those fields, whichever module
logs it. Nothing here runs at import: the web factory, the Celery worker and gunicorn's config
call `configure`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

from service.settings import Settings

CONTEXT_FIELDS = ("request_id", "task_id", "post_id", "translation_id", "locale")
_context: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar("tarjama_log_context", default=None)
# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def bind(**fields: object) -> contextvars.Token:
    """Add fields to the current context (None values are skipped); returns a token for `reset`."""
    merged = {**(_context.get() or {}), **{key: value for key, value in fields.items() if value is not None}}
    return _context.set(merged)


def reset(token: contextvars.Token) -> None:
    _context.reset(token)


def clear() -> None:
    _context.set({})


def current() -> dict[str, object]:
    return dict(_context.get() or {})


class ContextFilter(logging.Filter):
    """Copies the bound context onto each record, so formatters (and tests) see the fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, process kind, then the context."""

    def __init__(self, process: str = "tarjama") -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": self.process,
            "pid": record.process,
        }
        entry.update(_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The usual one-line format, with the bound context in brackets."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _fields(record)
        if not fields:
            return line
        context = " ".join(f"{key}={value}" for key, value in fields.items())
        first, newline, rest = line.partition("\n")
        return f"{first} [{context}]{newline}{rest}"


def make_handler(log_format: str, process: str) -> logging.Handler:
    """A stderr handler in the chosen format, marked as Tarjama's so `configure` can replace it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(process) if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler._tarjama = True  # type: ignore[attr-defined]
    return handler


def configure(settings: Settings, process: str, level: str | int | None = None) -> None:
    """Send every log line of this process through one Tarjama handler (safe to call again)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_tarjama", False):
            root.removeHandler(handler)
    root.addHandler(make_handler(settings.log_format, process))
    root.setLevel(level or settings.log_level)
    logging.captureWarnings(True)  # Python warnings become log lines in the same format


def gunicorn_config(settings: Settings) -> dict:
    """`logconfig_dict` for gunicorn: its own lines (booting, worker exits) in the same format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": settings.log_level, "handlers": ["tarjama"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},  # tarjama.http logs requests
        },
        "handlers": {
            "tarjama": {"()": "service.logs.make_handler", "log_format": settings.log_format, "process": "web"}
        },
        "formatters": {},
    }
