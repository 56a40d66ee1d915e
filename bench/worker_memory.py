"""Worker memory: a Tarjama worker process holding 5 int8 Argos models, against the 5 models bare.

Five base-size synthetic packages (en->de, fr, fa, ar, es: copies of the one built for the other
benches, so no two share memory) are loaded and used for one batch each, in two kinds of process:

- bare (the anchor): only ctranslate2 and sentencepiece, the five `ctranslate2.Translator`s running
  one batch at a time (CTranslate2's least), one `translate_batch` each with the same options;
- worker: what a Celery worker's pool process holds (`workers.tasks` imported: Celery, SQLAlchemy,
  the domain), translating through `workers.mt.translate_batch`, as a drafting task does, with
  its default layout (batches side by side, `workers.mt.argos.layout`).

Each process prints its resident memory (VmRSS) after the batches. glibc keeps the memory the
batches freed unless asked to give it back, so the bare models are measured twice: as they are,
and after one `malloc_trim` (what the worker's engine does after each call: the least the models
hold). Rounds rotate the order; the table gives the median and spread, and the ratios of the medians.

    .venv/bin/python bench/worker_memory.py [--rounds 3] [--segments 8]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cross_post_batching import DATA_DIR, stories  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers.mt.synthetic import BASE, ensure_installed  # noqa: E402

TARGETS = ["de", "fr", "fa", "ar", "es"]
PACKAGES = DATA_DIR / "memory-packages"

BARE = """
import ctypes, json, os, sys, ctranslate2, sentencepiece
from pathlib import Path
segments, packages = json.loads(sys.argv[1]), sorted(Path(sys.argv[2]).iterdir())
for package in packages:
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), device="cpu", compute_type="auto",
                                        intra_threads=os.cpu_count())  # one batch at a time: the least memory
    tokens = [tokenizer.encode(text, out_type=str) for text in segments]
    longest = max(len(t) for t in tokens)
    translator.translate_batch(tokens, max_batch_size=32, beam_size=2, max_decoding_length=min(512, longest * 2 + 10),
                               min_decoding_length=1, replace_unknowns=True, return_scores=True)
    globals().setdefault("held", []).append((tokenizer, translator))
    if "--trim" in sys.argv:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
print(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
"""

WORKER = """
import json, sys
from pathlib import Path
import workers.tasks  # everything a worker's pool process imports
from service.settings import Settings
from workers import mt
segments, packages = json.loads(sys.argv[1]), Path(sys.argv[2])
settings = Settings(data_dir=packages.parent, argos_packages_dir=packages)
for target in sys.argv[3].split(","):
    mt.translate_batch(settings, segments, "en", target)
print(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
"""


def prepare() -> None:
    """Five installed packages, copies of the base-size en->de one (built once if missing)."""
    settings = Settings(data_dir=DATA_DIR, argos_packages_dir=DATA_DIR / "argos-packages")
    ensure_installed(settings, DATA_DIR / "archives", "en", "de", BASE)
    original = DATA_DIR / "argos-packages" / "translate-en_de-synthetic"
    for target in TARGETS:
        copy = PACKAGES / f"translate-en_{target}-synthetic"
        if copy.exists():
            continue
        shutil.copytree(original, copy)
        metadata = json.loads((copy / "metadata.json").read_text())
        metadata.update(to_code=target, to_name=target)
        (copy / "metadata.json").write_text(json.dumps(metadata, indent=2))


def measure(code: str, segments: list[str], *extra: str) -> int:
    """Resident memory of a fresh process running `code`, in MiB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", code, json.dumps(segments), str(PACKAGES), ",".join(TARGETS), *extra]
    output = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return int(output.split()[-1]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--segments", type=int, default=8)
    args = parser.parse_args()
    prepare()
    segments = [text for story in stories() for text in story][: args.segments]
    runs = {
        "bare": lambda: measure(BARE, segments),
        "bare, freed memory trimmed": lambda: measure(BARE, segments, "--trim"),
        "worker": lambda: measure(WORKER, segments),
    }
    names = list(runs)
    results: dict[str, list[int]] = {name: [] for name in names}
    for round_ in range(args.rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            results[name].append(runs[name]())
        print(f"round {round_ + 1}: " + ", ".join(f"{name} {values[-1]} MiB" for name, values in results.items()))
    bare = statistics.median(results["bare"])
    trimmed = statistics.median(results["bare, freed memory trimmed"])
    print(f"\n5 base-size int8 models, one batch of {args.segments} segments each, {args.rounds} rounds\n")
    print("| process | RSS MiB, median (min-max) | vs bare | vs bare trimmed |")
    print("|---|---:|---:|---:|")
    for name, values in results.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median:.0f} ({min(values)}-{max(values)}) | {median / bare:.2f}x | {median / trimmed:.2f}x |"
        )


if __name__ == "__main__":
    main()
