"""Argos Translate: its packages, run through CTranslate2 in batches, loaded once per process.

Argos's own `translate` API handles one paragraph at a time and needs Stanza for sentence
splitting; Tarjama has already split the post into segments, so it uses the packages directly:
the package's tokenizer and CTranslate2 model, with every segment of a post in one
`translate_batch` call. Where no package serves a pair directly, it pivots through English.
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.protect import strip_tokens
from service.segments import PLACEHOLDER
from service.settings import Settings
from workers.mt import EngineError, MissingModel, Result

PIVOT = "en"
_lock = threading.Lock()
_loaded: dict[tuple[str, str, str, int, int], LoadedModel] = {}  # pair, device, layout


@dataclass
class LoadedModel:
    translator: Any
    tokenizer: Any
    target_prefix: str
    parallel: int = 1  # batches the translator runs at once


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
    raise MissingModel(
        f"no Argos package installed for {source}->{target}: run 'tarjama models install {source} {target}' "
        f"(or 'tarjama models install --file PATH.argosmodel' offline)"
    )


def _model(settings: Settings, source: str, target: str) -> LoadedModel:
    parallel, threads = layout(settings)
    key = (source, target, settings.mt_device, parallel, threads)
    with _lock:
        if key not in _loaded:
            import ctranslate2

            package = _find(settings, source, target)
            translator = ctranslate2.Translator(
                str(Path(package.package_path) / "model"),
                device=device(settings),
                compute_type="auto",
                inter_threads=parallel,
                intra_threads=threads,
            )
            _loaded[key] = LoadedModel(translator, package.tokenizer, package.target_prefix or "", parallel)
        return _loaded[key]


def layout(settings: Settings) -> tuple[int, int]:
    """(batches run at once, threads each) for one model.

    On the CPU, small decoding steps scale badly over threads inside one batch (measured on 2
    cores: one batch on 2 threads took 1.6-2x as long as two batches side by side on one thread
    each, docs/performance.md), so by default the model runs up to 4 batches at once and splits its
    threads among them; CTranslate2 shares the weights between them. A GPU runs one at a time.
    """
    threads = settings.mt_threads or os.cpu_count() or 1
    parallel = settings.mt_parallel_batches or (1 if _on_gpu(settings) else min(threads, 4))
    return parallel, max(1, threads // parallel)


def _on_gpu(settings: Settings) -> bool:
    if settings.mt_device == "auto":
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    return settings.mt_device == "cuda"


def device(settings: Settings) -> str:
    """CTranslate2's device from `TARJAMA_MT_DEVICE`; a clear error when CUDA is asked for but absent."""
    import ctranslate2

    if settings.mt_device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise EngineError(
            "TARJAMA_MT_DEVICE is 'cuda', but CTranslate2 finds no CUDA GPU on this machine (no NVIDIA "
            "driver, or a CTranslate2 build without CUDA): set TARJAMA_MT_DEVICE=cpu, or 'auto' to use a "
            "GPU only where there is one"
        )
    return settings.mt_device


def translate_batch(texts: list[str], source: str, target: str, settings: Settings) -> list[str]:
    """Translate plain segment text (placeholders are re-inserted by the caller)."""
    return [result.text for result in translate_scored(texts, source, target, settings)]


def translate_scored(texts: list[str], source: str, target: str, settings: Settings) -> list[Result]:
    """Translations with CTranslate2's score: the hypothesis probability per token, over every hop.

    The model gets plain text: markup placeholders and protected spans (service/protect.py) are
    taken out, and the caller puts them back at the same relative position.
    """
    current = [" ".join(strip_tokens(PLACEHOLDER.sub(" ", text)).split()) for text in texts]
    scores = [1.0] * len(texts)
    for hop_source, hop_target in route(settings, source, target):
        current, hop_scores = _translate_hop(settings, current, hop_source, hop_target)
        scores = [a * b for a, b in zip(scores, hop_scores, strict=True)]
    release_freed_memory()
    return [Result(text, score) for text, score in zip(current, scores, strict=True)]


def _translate_hop(settings: Settings, texts: list[str], source: str, target: str) -> tuple[list[str], list[float]]:
    model = _model(settings, source, target)
    tokens = [model.tokenizer.encode(text) for text in texts]
    results = _decode(settings, model, tokens)
    outputs, scores = [], []
    for text, result in zip(texts, results, strict=True):
        hypothesis = result.hypotheses[0]
        if model.target_prefix and hypothesis[:1] == [model.target_prefix]:
            hypothesis = hypothesis[1:]
        outputs.append(" ".join(model.tokenizer.decode(hypothesis).split()) if text else "")
        # with length_penalty 1 (the default) the score is the mean log-probability per token
        scores.append(math.exp(result.scores[0]) if text and result.scores else 1.0)
    return outputs, scores


def release_freed_memory() -> None:
    """Hand the decoding buffers CTranslate2 has freed back to the operating system.

    glibc keeps freed memory in per-thread arenas: each batch thread of each model would go on
    holding the largest buffers it ever decoded with (measured: a worker with 5 models at 1.7-1.9x
    the RSS of the models, bench/worker_memory.py). One `malloc_trim` per engine call costs well
    under a millisecond against seconds of decoding. Elsewhere than glibc it does nothing.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - only glibc has it
    except (OSError, AttributeError):
        return None
    return libc


def batch_size(settings: Settings, model: LoadedModel, count: int) -> int:
    """Segments per CTranslate2 batch for a call of `count`: at most `mt_batch_size`, and few
    enough that the call makes a batch for each one the model runs at once."""
    return max(1, min(settings.mt_batch_size, math.ceil(count / model.parallel)))


def _decode(settings: Settings, model: LoadedModel, tokens: list[list[str]]) -> list[Any]:
    """CTranslate2 batches of similar length, each with its own decoding limit, run side by side.

    A batch decodes until its last hypothesis ends, at most `max_decoding_length` steps: with
    one limit for a whole call (many posts' segments, workers/batching.py) a runaway hypothesis
    of a short sentence could run to twice the longest sentence of every post. A call is cut into
    at least as many batches as the model runs at once, so that one post alone keeps them all busy.
    """
    order = sorted(range(len(tokens)), key=lambda index: len(tokens[index]))
    size = batch_size(settings, model, len(tokens))
    pending = []
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        batch = [tokens[index] for index in chunk]
        longest = max((len(t) for t in batch), default=1)
        futures = model.translator.translate_batch(
            batch,
            target_prefix=[[model.target_prefix]] * len(batch) if model.target_prefix else None,
            max_batch_size=size,
            beam_size=settings.mt_beam_size,
            max_decoding_length=min(512, longest * 2 + 10),
            min_decoding_length=1,
            replace_unknowns=True,
            return_scores=True,
            asynchronous=True,  # queued now, run by the model's parallel batches, collected below
        )
        pending.append((chunk, futures))
    results: list[Any] = [None] * len(tokens)
    for chunk, futures in pending:
        for index, future in zip(chunk, futures, strict=True):
            results[index] = future.result()
    return results
