"""What a correction costs: one edited sentence of a 100-sentence story, against drafting it anew.

Before corrections existed, the only way to fix a story was a second post: every segment through
MT again, per locale. Now an edit makes a new revision and only changed segments reach the
engine. Runs interleaved A, B, A, B ... through the real app and the real drafting step (Apertium
en->es, SQLite or --database-url), and prints the median and spread of each:

- A (anchor): a new 100-sentence post drafted into Spanish (what a correction cost before);
- B: PATCH one sentence of a drafted 100-sentence post, then draft the correction.

    .venv/bin/python bench/corrections.py [--repeat 5] [--database-url postgresql+psycopg://...]

Data goes to a temporary directory under /work/benchdata when it exists (else the system's).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_stack import Stack, api_stack  # noqa: E402
from workers import mt  # noqa: E402
from workers.drafting import draft_translation  # noqa: E402


def sentences(run: int) -> list[str]:
    return [f"The council met with group number {n} of round {run} on Tuesday." for n in range(100)]


def payload(lines: list[str]) -> dict:
    return {
        "title": lines[0],
        "lede": lines[1],
        "body": "\n\n".join(lines[2:]),
        "format": "text",
        "target_locales": ["es"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sent: list[int] = []
    real = mt.translate_scored

    def counting(settings, texts, source, target):
        sent.append(len(texts))
        return real(settings, texts, source, target)

    mt.translate_scored = counting
    try:
        with api_stack("corrections", args.database_url, {"TARJAMA_MT_ENGINES": "en-es=apertium,*=apertium"}) as stack:
            run_cases(args.repeat, stack, sent)
    finally:
        mt.translate_scored = real


def run_cases(repeat: int, stack: Stack, sent: list[int]) -> None:
    """A and B interleaved, then the table."""
    settings, sessions, client, headers = stack.settings, stack.sessions, stack.client, stack.headers
    names = ("A: new 100-sentence post, drafted (anchor)", "B: one sentence corrected, drafted again")
    timings: dict[str, list[float]] = {name: [] for name in names}
    segments: dict[str, list[int]] = {name: [] for name in names}
    for run in range(repeat + 1):  # the first round warms up and is not counted
        lines = sentences(run)
        started = time.perf_counter()
        post = client.post("/api/v1/posts", json=payload(lines), headers=headers).get_json()
        sent.clear()
        draft_translation(sessions, settings, post["id"], "es")
        record(run, timings[names[0]], segments[names[0]], time.perf_counter() - started, sum(sent))
        lines[50] = lines[50].replace("Tuesday", "Wednesday")
        started = time.perf_counter()
        edited = client.patch(f"/api/v1/posts/{post['id']}", json={"body": payload(lines)["body"]}, headers=headers)
        assert edited.status_code == 200, edited.get_json()
        sent.clear()
        draft_translation(sessions, settings, post["id"], "es")
        record(run, timings[names[1]], segments[names[1]], time.perf_counter() - started, sum(sent))
    anchor = statistics.median(timings[names[0]])
    print(f"\n{repeat} interleaved runs, Apertium en->es, {settings.effective_database_url.split(':')[0]}")
    print(f"{'case':<45} {'to MT':>6} {'median s':>9} {'min-max s':>13} {'x anchor':>9}")
    for name in names:
        values = timings[name]
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(
            f"{name:<45} {statistics.median(segments[name]):>6.0f} {statistics.median(values):>9.3f} "
            f"{spread:>13} {statistics.median(values) / anchor:>9.2f}"
        )


def record(run: int, timings: list[float], segments: list[int], seconds: float, sent: int) -> None:
    if run:
        timings.append(seconds)
        segments.append(sent)


if __name__ == "__main__":
    main()
