"""Machine translation: one entry point, `translate_batch`, and one module per engine.

Which engine serves a language pair comes from settings (`TARJAMA_MT_ENGINES`). Engine
libraries are imported only when a translation runs, so the web process never loads them.

`translate_scored` also returns what the engine itself says about each translation: a score
from 0 to 1 (CTranslate2's hypothesis probability per token for Argos, the share of known words
for Apertium) and the words it did not know. `translate_batch` keeps returning plain strings.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field

from service import metrics
from service.settings import Settings


class EngineError(RuntimeError):
    """The engine cannot translate this pair (missing model or package) or crashed."""


class MissingModel(EngineError):
    """Nothing installed translates this pair: an admin can fix it on the Models page."""


@dataclass
class Result:
    text: str
    score: float | None = None  # 0..1, the engine's own confidence; None when it gives none
    unknown: list[str] = field(default_factory=list)  # source words the engine left untranslated
    leftover: list[str] = field(default_factory=list)  # pivot-language words left in the target


def translate_batch(settings: Settings, texts: list[str], source: str, target: str) -> list[str]:
    """Translate segments (with `<g1>`-style placeholders) in as few engine calls as possible."""
    return [result.text for result in translate_scored(settings, texts, source, target)]


def translate_scored(settings: Settings, texts: list[str], source: str, target: str) -> list[Result]:
    """Like `translate_batch`, with each translation's score and unknown words."""
    if not texts:
        return []
    name = settings.engine_for(source, target)
    engine = importlib.import_module(f"workers.mt.{name}")
    started = time.perf_counter()
    if hasattr(engine, "translate_scored"):
        results = engine.translate_scored(texts, source, target, settings)
    else:
        results = [Result(text) for text in engine.translate_batch(texts, source, target, settings)]
    if len(results) != len(texts):
        raise EngineError(f"engine returned {len(results)} translations for {len(texts)} segments")
    metrics.observe_mt(name, source, target, len(texts), time.perf_counter() - started)
    return results
