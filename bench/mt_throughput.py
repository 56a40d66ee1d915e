"""MT throughput: Tarjama's argos engine against raw CTranslate2 (the limit) and argostranslate (the anchor).

The segments are the news stories of bench/corpus cut by Tarjama's segmenter, translated en->de by
a base-size synthetic Argos package (6+6 layers, d_model 512, vocabulary 32k, int8; random weights:
speed does not depend on what they learned), installed with argostranslate's own installer:

- raw CTranslate2: the package's model on pre-tokenised input, in the same batches of similar
  length, run side by side as Tarjama runs them (`argos.layout`);
- Tarjama: `workers.mt.argos.translate_batch`, every segment in one call (what a drafting task does);
- argostranslate: `argostranslate.translate.translate`, one call per segment (the naive way), on
  the same installed package, with its default threads (CTranslate2's), and again with
  ARGOS_INTRA_THREADS set to the number of cores (what a careful user of it would set).

Two adjustments keep the anchor about batching, not about settings: argostranslate gets Tarjama's
beam size, and its CTranslate2 calls get Tarjama's decoding limit (twice the longest input plus
10), since a random model never ends a sentence (a real one stops at its end token, an unbounded
one would decode 256 tokens for every sentence). Its sentence splitter (MiniSBD) needs a model
download; the segments are sentences already, so it is given each segment as one sentence, which
only spares the anchor work.

Rounds run every mode once, in a rotating order (A B C, B C A, C A B, ...), each run in a fresh
process that loads its model and warms it up before the clock starts; the table gives the median
and spread of the seconds, and the median of each round's ratio to Tarjama. Where a CUDA
GPU is present, every mode runs on the CPU and on the GPU (`--devices cpu,cuda`).

    .venv/bin/python bench/mt_throughput.py [--segments 96] [--rounds 5] [--devices cpu[,cuda]]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cross_post_batching import DATA_DIR, spread, stories  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers.mt import argos  # noqa: E402
from workers.mt.synthetic import BASE, ensure_installed  # noqa: E402


class OneSentence:
    """Stands in for argostranslate's sentence splitter: each segment is already one sentence."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


class Limited:
    """A CTranslate2 translator that decodes at most as far as Tarjama lets its own calls decode."""

    def __init__(self, translator) -> None:
        self.translator = translator

    def translate_batch(self, tokens, **options):
        longest = max((len(t) for t in tokens), default=1)
        options.setdefault("max_decoding_length", min(512, longest * 2 + 10))
        return self.translator.translate_batch(tokens, **options)


def argostranslate_anchor(settings: Settings, intra_threads: int = 0) -> Callable[[str], str]:
    """`argostranslate.translate.translate` on the installed package, on `settings.mt_device`.

    `intra_threads` is what ARGOS_INTRA_THREADS would set (0, its default: CTranslate2's own)."""
    import argostranslate.settings
    import argostranslate.translate
    import ctranslate2

    argos.package_module(settings)  # points argostranslate at the package directory
    argostranslate.settings.beam_size = settings.mt_beam_size
    argostranslate.settings.device = settings.mt_device
    translation = argostranslate.translate.get_translation_from_codes("en", "de")
    package_translation = getattr(translation, "underlying", translation)
    package_translation.sentencizer = OneSentence()
    model = str(package_translation.pkg.package_path / "model")
    translator = ctranslate2.Translator(
        model,
        device=settings.mt_device,
        inter_threads=argostranslate.settings.inter_threads,
        intra_threads=intra_threads,
    )
    package_translation.translator = Limited(translator)
    return lambda text: argostranslate.translate.translate(text, "en", "de")


MODES = (
    "raw CTranslate2 batches (limit)",
    "Tarjama engine, one call",
    "argostranslate, one call per segment",
    "argostranslate, per segment, ARGOS_INTRA_THREADS=cores",
)


def runner(name: str, settings: Settings) -> Callable[[list[str]], object]:
    """One mode, its model loaded: a function translating a list of segments."""
    if name == MODES[1]:
        return lambda texts: argos.translate_batch(texts, "en", "de", settings)
    if name in MODES[2:]:
        anchor = argostranslate_anchor(settings, (os.cpu_count() or 1) if name == MODES[3] else 0)
        return lambda texts: [anchor(text) for text in texts]
    model = argos._model(settings, "en", "de")

    def raw(texts: list[str]) -> None:
        tokens = sorted((model.tokenizer.encode(text) for text in texts), key=len)
        size = argos.batch_size(settings, model, len(tokens))
        pending = [
            model.translator.translate_batch(
                batch,
                max_batch_size=size,
                beam_size=settings.mt_beam_size,
                max_decoding_length=min(512, max(len(t) for t in batch) * 2 + 10),
                min_decoding_length=1,
                replace_unknowns=True,
                return_scores=True,  # the same calls as Tarjama's, less its Python around them
                asynchronous=True,
            )
            for batch in (tokens[start : start + size] for start in range(0, len(tokens), size))
        ]
        for futures in pending:
            for future in futures:
                future.result()

    return raw


def child(name: str, device: str, segments: int) -> None:
    """One timed run of one mode in a process of its own (CTranslate2 translators with other
    thread layouts in the same process slow each other down), after a warm-up call."""
    run = runner(name, base_settings().with_(mt_device=device))
    texts = corpus_texts(segments)
    run(texts[:2])
    started = time.perf_counter()
    run(texts)
    print(time.perf_counter() - started)


def measure(name: str, device: str, segments: int) -> float:
    script = "import sys; sys.path.insert(0, sys.argv[1]); from bench import mt_throughput as b; b.child(*sys.argv[2:4], int(sys.argv[4]))"
    args = [sys.executable, "-c", script, str(ROOT), name, device, str(segments)]
    return float(subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()[-1])


def base_settings() -> Settings:
    return Settings(data_dir=DATA_DIR, argos_packages_dir=DATA_DIR / "argos-packages")


def corpus_texts(count: int) -> list[str]:
    corpus = [text for story in stories() for text in story]
    return [corpus[i % len(corpus)] + ("" if i < len(corpus) else f" ({i})") for i in range(count)]


def main() -> None:
    import ctranslate2

    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--devices", default="cpu,cuda" if ctranslate2.get_cuda_device_count() else "cpu")
    args = parser.parse_args()
    base = base_settings()
    ensure_installed(base, DATA_DIR / "archives", "en", "de", BASE)
    rows = []
    for device in args.devices.split(","):
        argos.device(base.with_(mt_device=device))  # a clear error if CUDA is asked for and absent
        names = list(MODES)
        seconds: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                seconds[name].append(measure(name, device, args.segments))
            print(f"{device} round {round_ + 1}: " + ", ".join(f"{n} {s[-1]:.2f} s" for n, s in seconds.items()))
        tarjama = seconds[MODES[1]]
        for name in names:
            ratios = [a / b for a, b in zip(seconds[name], tarjama, strict=True)]
            rate = args.segments / statistics.median(seconds[name])
            rows.append(f"| {device} | {name} | {spread(seconds[name])} | {rate:.1f} | {spread(ratios)} |")
    parallel, threads = argos.layout(base)
    print(
        f"\n{args.segments} segments of bench/corpus, en->de, beam {base.mt_beam_size}, "
        f"batches of up to {base.mt_batch_size}, {parallel} at once x {threads} thread(s) (CPU), {args.rounds} rounds\n"
    )
    print("| device | mode | seconds, median (min-max) | segments/s | time vs Tarjama, median (min-max) |")
    print("|---|---|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
