"""Cross-post batching: per-post MT cost when 20 posts wait for a pair, against one post alone.

Posts are the news stories of bench/corpus, cut into segments by Tarjama's segmenter. Both modes
run Tarjama's drafting step for the same posts through the same engine (`fidelity.draft_many`:
protect, Argos through CTranslate2, restore, QA), on a base-size synthetic Argos package (6+6
layers, d_model 512, vocabulary 32k, int8; random weights: speed does not depend on what they
learned):

- depth 1: each post drafted by itself, one engine call per post (a worker with one post waiting);
- depth N: every post in ONE engine call (workers/batching.py with N posts waiting).

Rounds run every mode once, in a rotating order, so the machine's load hits all alike; the table
gives the median and spread of the per-post seconds and the ratio of each round. `--parallel 1,0`
also compares CTranslate2 layouts (`TARJAMA_MT_PARALLEL_BATCHES`): one batch at a time on every
thread, against the default (batches side by side, `workers.mt.argos.layout`).

    .venv/bin/python bench/cross_post_batching.py [--depth 20] [--rounds 3] [--device cpu|cuda] [--post-segments 4]
    .venv/bin/python bench/cross_post_batching.py --parallel 1,0

`--post-segments N` keeps the first N segments of each story (title, lede, first sentences): short
items, such as briefs and updates, where one post alone fills a CTranslate2 batch least.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import segments  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers import fidelity  # noqa: E402
from workers.mt import argos  # noqa: E402
from workers.mt.synthetic import BASE, ensure_installed  # noqa: E402

DATA_DIR = Path("/work/benchdata/workers")  # the base-size package (built once, ~2 minutes)
CORPUS = ROOT / "bench" / "corpus"


def stories() -> list[list[str]]:
    """Each corpus story as the segments Tarjama would send to the engine."""
    posts = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        body = "".join(f"<p>{p.strip()}</p>" for p in "\n".join(lines[2:]).split("\n\n") if p.strip())
        posts.append([s.text for s in segments.extract(lines[0], lines[1], body).segments])
    return posts


def depth_one(settings: Settings, posts: list[list[str]]) -> float:
    started = time.perf_counter()
    for texts in posts:
        fidelity.draft_many(settings, [(texts, fidelity.Context())], "en", "de")
    return (time.perf_counter() - started) / len(posts)


def batched(settings: Settings, posts: list[list[str]]) -> float:
    started = time.perf_counter()
    fidelity.draft_many(settings, [(texts, fidelity.Context()) for texts in posts], "en", "de")
    return (time.perf_counter() - started) / len(posts)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def measure(settings: Settings, count: int, post_segments: int, depth: int) -> float:
    """Per-post seconds of one mode, in a fresh process with only this layout's model (two layouts
    in one process disturb each other's threads), loaded and warmed before the clock starts."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench import cross_post_batching as b; "
        "b.child(*map(int, sys.argv[2:6]), sys.argv[6])"
    )
    args = [str(ROOT), str(settings.mt_parallel_batches), str(depth), str(count), str(post_segments)]
    output = subprocess.run(
        [sys.executable, "-c", script, *args, settings.mt_device], capture_output=True, text=True, check=True
    )
    return float(output.stdout.split()[-1])


def child(parallel: int, depth: int, count: int, post_segments: int, device: str) -> None:
    """What `measure` runs: one mode, its per-post seconds printed last."""
    settings = base_settings(device).with_(mt_parallel_batches=parallel)
    posts = corpus_posts(count, post_segments)
    argos.translate_batch(posts[0][:2], "en", "de", settings)  # load the model once, as a worker does
    print(depth_one(settings, posts) if depth == 1 else batched(settings, posts))


def base_settings(device: str) -> Settings:
    return Settings(data_dir=DATA_DIR, argos_packages_dir=DATA_DIR / "argos-packages", mt_device=device)


def corpus_posts(count: int, post_segments: int) -> list[list[str]]:
    corpus = [story[: post_segments or None] for story in stories()]
    return [corpus[i % len(corpus)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--post-segments", type=int, default=0, help="cut each story to its first N segments")
    parser.add_argument(
        "--parallel",
        default="0",
        help="TARJAMA_MT_PARALLEL_BATCHES values to compare, e.g. 1,0 (0: the default layout)",
    )
    args = parser.parse_args()
    base = base_settings(args.device)
    ensure_installed(base, DATA_DIR / "archives", "en", "de", BASE)
    posts = corpus_posts(args.depth, args.post_segments)
    layouts = {}
    for value in args.parallel.split(","):
        settings = base.with_(mt_parallel_batches=int(value))
        parallel, threads = argos.layout(settings)
        layouts[f"{parallel} x {threads} thread(s)"] = settings
    modes = [(name, depth) for name in layouts for depth in (1, args.depth)]
    seconds: dict[tuple[str, int], list[float]] = {mode: [] for mode in modes}
    for round_ in range(args.rounds):
        for name, depth in modes[round_ % len(modes) :] + modes[: round_ % len(modes)]:
            seconds[name, depth].append(measure(layouts[name], args.depth, args.post_segments, depth))
        print(f"round {round_ + 1}: " + ", ".join(f"{n} depth {d} {s[-1]:.2f} s/post" for (n, d), s in seconds.items()))
    segs = sum(len(p) for p in posts)
    print(
        f"\n{args.depth} posts ({segs} segments, {segs / args.depth:.1f} per post), en->de, device={args.device}, "
        f"beam {base.mt_beam_size}, CTranslate2 batches of up to {base.mt_batch_size}, {args.rounds} rounds\n"
    )
    print(
        "| batches at once x threads each | queue depth | engine calls | per-post seconds, median (min-max) | vs depth 1 |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in layouts:
        ones, batches = seconds[name, 1], seconds[name, args.depth]
        ratios = [b / o for b, o in zip(batches, ones, strict=True)]
        print(f"| {name} | 1 | {args.depth} (one per post) | {spread(ones)} | 1.00 |")
        print(f"| {name} | {args.depth} | 1 | {spread(batches)} | {spread(ratios)} |")


if __name__ == "__main__":
    main()
