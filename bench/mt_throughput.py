"""MT throughput: Tarjama's batched argos engine against one call per segment and raw CTranslate2.

Builds (once, cached under var/bench) a synthetic Argos package of real-model size (6+6 layers,
d_model 512, vocabulary ~32k; random weights: speed does not depend on what weights learned),
then translates the same segments three ways and prints a table with the ratios of one run.

    .venv/bin/python bench/mt_throughput.py [--segments 96] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.settings import Settings  # noqa: E402
from workers.mt import argos  # noqa: E402
from workers.mt.synthetic import BASE, SAMPLE_TEXT, build_package  # noqa: E402


def segments(count: int) -> list[str]:
    lines = [line for line in SAMPLE_TEXT.splitlines() if line.strip()]
    return [f"{lines[i % len(lines)]} ({i})" for i in range(count)]


def timed(function, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=96)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    work = ROOT / "var" / "bench"
    settings = Settings(
        data_dir=work, argos_packages_dir=work / "argos-packages", mt_device=args.device, mt_beam_size=2
    )
    if not any(p.from_code == "en" and p.to_code == "de" for p in argos.installed_packages(settings)):
        started = time.perf_counter()
        argos.install_file(settings, build_package(work / "archives", "en", "de", size=BASE))
        print(f"built a base-size synthetic package in {time.perf_counter() - started:.1f} s")
    texts = segments(args.segments)
    argos.translate_batch(texts[:4], "en", "de", settings)  # load the model once, as a worker does
    model = argos._model(settings, "en", "de")
    tokens = [model.tokenizer.encode(text) for text in texts]
    longest = max(len(t) for t in tokens)

    def raw() -> None:
        model.translator.translate_batch(
            tokens,
            max_batch_size=settings.mt_batch_size,
            beam_size=2,
            max_decoding_length=min(512, longest * 2 + 10),
            min_decoding_length=1,
        )

    modes = {
        "raw CTranslate2 batch (limit)": raw,
        "Tarjama engine, one batch per post": lambda: argos.translate_batch(texts, "en", "de", settings),
        "one call per segment (naive)": lambda: [argos.translate_batch([t], "en", "de", settings) for t in texts],
    }
    results = {name: timed(function) for name, function in modes.items()}
    best = min(results.values())
    print(f"\n{args.segments} segments, device={args.device}, beam 2, batch size {settings.mt_batch_size}\n")
    print(f"{'mode':<38} {'seconds':>8} {'segments/s':>11} {'vs limit':>9}")
    for name, seconds in results.items():
        print(f"{name:<38} {seconds:>8.2f} {args.segments / seconds:>11.1f} {seconds / best:>8.2f}x")


if __name__ == "__main__":
    main()
