"""Cross-post batching: per-post MT cost when 20 posts wait for a pair, against one post alone.

Posts are the news stories of bench/corpus, cut into segments by Tarjama's segmenter. Both modes
run Tarjama's drafting step for the same posts through the same engine (`fidelity.draft_many`:
protect, Argos through CTranslate2, restore, QA), on a base-size synthetic Argos package (6+6
layers, d_model 512, vocabulary 32k, int8; random weights: speed does not depend on what they
learned):

- depth 1: each post drafted by itself, one engine call per post (a worker with one post waiting);
- depth N: every post in ONE engine call (workers/batching.py with N posts waiting).

Rounds alternate the modes (1, N, 1, N, ...) so the machine's load hits both alike; the table gives
the median and spread of the per-post seconds and the ratio of each round.

    .venv/bin/python bench/cross_post_batching.py [--depth 20] [--rounds 3] [--device cpu|cuda] [--post-segments 4]

`--post-segments N` keeps the first N segments of each story (title, lede, first sentences): short
items, such as briefs and updates, where one post alone fills a CTranslate2 batch least.
"""

from __future__ import annotations

import argparse
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--post-segments", type=int, default=0, help="cut each story to its first N segments")
    args = parser.parse_args()
    settings = Settings(data_dir=DATA_DIR, argos_packages_dir=DATA_DIR / "argos-packages", mt_device=args.device)
    ensure_installed(settings, DATA_DIR / "archives", "en", "de", BASE)
    corpus = [story[: args.post_segments or None] for story in stories()]
    posts = [corpus[i % len(corpus)] for i in range(args.depth)]
    argos.translate_batch(posts[0][:2], "en", "de", settings)  # load the model once, as a worker does
    ones, batches, ratios = [], [], []
    for round_ in range(args.rounds):
        ones.append(depth_one(settings, posts))
        batches.append(batched(settings, posts))
        ratios.append(batches[-1] / ones[-1])
        print(f"round {round_ + 1}: depth 1 {ones[-1]:.2f} s/post, depth {args.depth} {batches[-1]:.2f} s/post")
    segs = sum(len(p) for p in posts)
    print(
        f"\n{args.depth} posts ({segs} segments, {segs / args.depth:.1f} per post), en->de, device={args.device}, "
        f"beam {settings.mt_beam_size}, CTranslate2 batches of {settings.mt_batch_size}, {args.rounds} rounds\n"
    )
    print("| queue depth | engine calls | per-post seconds, median (min-max) | vs depth 1 |")
    print("|---|---:|---:|---:|")
    print(f"| 1 | {args.depth} (one per post) | {spread(ones)} | 1.00 |")
    print(f"| {args.depth} | 1 | {spread(batches)} | {spread(ratios)} |")


if __name__ == "__main__":
    main()
