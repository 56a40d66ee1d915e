"""Argos Translate: its packages, run through CTranslate2 in batches, loaded once per process.

Argos's own `translate` API handles one paragraph at a time and needs Stanza for sentence
splitting; Tarjama has already split the post into segments, so it uses the packages directly:
the package's tokenizer and CTranslate2 model, with every segment of a post in one
`translate_batch` call. Where no package serves a pair directly, it pivots through English.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.segments import PLACEHOLDER
from service.settings import Settings
from workers.mt import EngineError

PIVOT = "en"
_lock = threading.Lock()
_loaded: dict[tuple[str, str], LoadedModel] = {}


@dataclass
class LoadedModel:
    translator: Any
    tokenizer: Any
    target_prefix: str


def package_module(settings: Settings):
    """`argostranslate.package`, pointed at Tarjama's package directory."""
    packages_dir = settings.effective_argos_dir
    packages_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    import argostranslate.package
    import argostranslate.settings

    argostranslate.settings.package_data_dir = packages_dir
    argostranslate.settings.package_dirs = [packages_dir]
    return argostranslate.package


def installed_packages(settings: Settings) -> list[Any]:
    return package_module(settings).get_installed_packages([settings.effective_argos_dir])


def install_file(settings: Settings, path: Path) -> None:
    """Verify and install a local .argosmodel (see `workers.mt.packages`)."""
    from workers.mt import packages

    packages.install(settings, path)


def forget_loaded() -> None:
    with _lock:
        _loaded.clear()


def _find(settings: Settings, source: str, target: str) -> Any | None:
    for package in installed_packages(settings):
        if package.from_code == source and package.to_code == target and package.type == "translate":
            return package
    return None


def route(settings: Settings, source: str, target: str) -> list[tuple[str, str]]:
    """The hops for a pair: direct, or through English. Raises if neither is installed."""
    if _find(settings, source, target):
        return [(source, target)]
    if PIVOT not in (source, target) and _find(settings, source, PIVOT) and _find(settings, PIVOT, target):
        return [(source, PIVOT), (PIVOT, target)]
    raise EngineError(
        f"no Argos package installed for {source}->{target}: run 'tarjama models install {source} {target}' "
        f"(or 'tarjama models install --file PATH.argosmodel' offline)"
    )


def _model(settings: Settings, source: str, target: str) -> LoadedModel:
    key = (source, target)
    with _lock:
        if key not in _loaded:
            import ctranslate2

            package = _find(settings, source, target)
            translator = ctranslate2.Translator(
                str(Path(package.package_path) / "model"), device=settings.mt_device, compute_type="auto"
            )
            _loaded[key] = LoadedModel(translator, package.tokenizer, package.target_prefix or "")
        return _loaded[key]


def translate_batch(texts: list[str], source: str, target: str, settings: Settings) -> list[str]:
    """Translate plain segment text (placeholders are re-inserted by the caller)."""
    current = [" ".join(PLACEHOLDER.sub(" ", text).split()) for text in texts]
    for hop_source, hop_target in route(settings, source, target):
        current = _translate_hop(settings, current, hop_source, hop_target)
    return current


def _translate_hop(settings: Settings, texts: list[str], source: str, target: str) -> list[str]:
    model = _model(settings, source, target)
    tokens = [model.tokenizer.encode(text) for text in texts]
    longest = max((len(t) for t in tokens), default=1)
    prefix = [[model.target_prefix]] * len(tokens) if model.target_prefix else None
    results = model.translator.translate_batch(
        tokens,
        target_prefix=prefix,
        max_batch_size=settings.mt_batch_size,
        beam_size=settings.mt_beam_size,
        max_decoding_length=min(512, longest * 2 + 10),
        min_decoding_length=1,
        replace_unknowns=True,
    )
    outputs = []
    for text, result in zip(texts, results, strict=True):
        hypothesis = result.hypotheses[0]
        if model.target_prefix and hypothesis[:1] == [model.target_prefix]:
            hypothesis = hypothesis[1:]
        outputs.append(" ".join(model.tokenizer.decode(hypothesis).split()) if text else "")
    return outputs
