"""MT throughput: Tarjama's argos engine against raw CTranslate2 (the limit) and argostranslate (the anchor).

The segments are the news stories of bench/corpus cut by Tarjama's segmenter, translated en->de by
a base-size synthetic Argos package (6+6 layers, d_model 512, vocabulary 32k, int8; random weights:
speed does not depend on what they learned), installed with argostranslate's own installer:

- raw CTranslate2: the package's model on pre-tokenised input, in batches of similar length;
- Tarjama: `workers.mt.argos.translate_batch`, every segment in one call (what a drafting task does);
- argostranslate: `argostranslate.translate.translate`, one call per segment (the naive way), on
  the same installed package.

Two adjustments keep the anchor about batching, not about settings: argostranslate gets Tarjama's
beam size, and its CTranslate2 calls get Tarjama's decoding limit (twice the longest input plus
10), since a random model never ends a sentence (a real one stops at its end token, an unbounded
one would decode 256 tokens for every sentence). Its sentence splitter (MiniSBD) needs a model
download; the segments are sentences already, so it is given each segment as one sentence, which
only spares the anchor work.

Rounds run every mode once, in a rotating order (A B C, B C A, C A B, ...); the table gives the
median and spread of the seconds, and the median of each round's ratio to Tarjama. Where a CUDA
GPU is present, every mode runs on the CPU and on the GPU (`--devices cpu,cuda`).

    .venv/bin/python bench/mt_throughput.py [--segments 96] [--rounds 5] [--devices cpu[,cuda]]
"""

from __future__ import annotations

import argparse
import statistics
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


def argostranslate_anchor(settings: Settings) -> Callable[[str], str]:
    """`argostranslate.translate.translate` on the installed package, on `settings.mt_device`."""
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
    package_translation.translator = Limited(ctranslate2.Translator(model, device=settings.mt_device))
    return lambda text: argostranslate.translate.translate(text, "en", "de")


def modes(settings: Settings, texts: list[str]) -> dict[str, Callable[[], object]]:
    model = argos._model(settings, "en", "de")
    tokens = sorted((model.tokenizer.encode(text) for text in texts), key=len)
    size = settings.mt_batch_size

    def raw() -> None:
        for start in range(0, len(tokens), size):
            batch = tokens[start : start + size]
            model.translator.translate_batch(
                batch,
                max_batch_size=size,
                beam_size=settings.mt_beam_size,
                max_decoding_length=min(512, max(len(t) for t in batch) * 2 + 10),
                min_decoding_length=1,
                replace_unknowns=True,
                return_scores=True,  # the same call as Tarjama's, less its Python around it
            )

    anchor = argostranslate_anchor(settings)
    return {
        "raw CTranslate2 batches (limit)": raw,
        "Tarjama engine, one call": lambda: argos.translate_batch(texts, "en", "de", settings),
        "argostranslate, one call per segment": lambda: [anchor(text) for text in texts],
    }


def main() -> None:
    import ctranslate2

    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--devices", default="cpu,cuda" if ctranslate2.get_cuda_device_count() else "cpu")
    args = parser.parse_args()
    base = Settings(data_dir=DATA_DIR, argos_packages_dir=DATA_DIR / "argos-packages")
    ensure_installed(base, DATA_DIR / "archives", "en", "de", BASE)
    corpus = [text for story in stories() for text in story]
    texts = [corpus[i % len(corpus)] + ("" if i < len(corpus) else f" ({i})") for i in range(args.segments)]
    rows = []
    for device in args.devices.split(","):
        settings = base.with_(mt_device=device)
        argos.device(settings)  # a clear error if CUDA is asked for and absent
        runs = modes(settings, texts)  # loads the models first, as a worker does
        names = list(runs)
        seconds: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                started = time.perf_counter()
                runs[name]()
                seconds[name].append(time.perf_counter() - started)
            print(f"{device} round {round_ + 1}: " + ", ".join(f"{n} {s[-1]:.2f} s" for n, s in seconds.items()))
        tarjama = seconds["Tarjama engine, one call"]
        for name in names:
            ratios = [a / b for a, b in zip(seconds[name], tarjama, strict=True)]
            rate = args.segments / statistics.median(seconds[name])
            rows.append(f"| {device} | {name} | {spread(seconds[name])} | {rate:.1f} | {spread(ratios)} |")
    print(
        f"\n{args.segments} segments of bench/corpus, en->de, beam {base.mt_beam_size}, "
        f"batches of {base.mt_batch_size}, {args.rounds} rounds\n"
    )
    print("| device | mode | seconds, median (min-max) | segments/s | time vs Tarjama, median (min-max) |")
    print("|---|---|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
