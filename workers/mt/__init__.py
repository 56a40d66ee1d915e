"""Machine translation: one entry point, `translate_batch`, and one module per engine.

Which engine serves a language pair comes from settings (`TARJAMA_MT_ENGINES`). Engine
libraries are imported only when a translation runs, so the web process never loads them.
"""

from __future__ import annotations

import importlib
import time

from service import metrics
from service.settings import Settings


class EngineError(RuntimeError):
    """The engine cannot translate this pair (missing model or package) or crashed."""


def translate_batch(settings: Settings, texts: list[str], source: str, target: str) -> list[str]:
    """Translate segments (with `<g1>`-style placeholders) in as few engine calls as possible."""
    if not texts:
        return []
    name = settings.engine_for(source, target)
    engine = importlib.import_module(f"workers.mt.{name}")
    started = time.perf_counter()
    result = engine.translate_batch(texts, source, target, settings)
    if len(result) != len(texts):
        raise EngineError(f"engine returned {len(result)} translations for {len(texts)} segments")
    metrics.observe_mt(name, source, target, len(texts), time.perf_counter() - started)
    return result
