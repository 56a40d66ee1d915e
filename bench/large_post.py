"""Intake of very large posts: a web worker must answer quickly, whatever an editor sends.

POSTs three bodies through the real app (test client, real database, a private redis-server),
interleaved A, B, C, A, B, C ... and prints the median and spread of each:

- a typical story (the anchor: what every request costs anyway);
- the largest post Tarjama accepts: TARJAMA_MAX_SEGMENTS segments in a body near the 500,000
  character limit (the issue's target: answered within 2 s);
- the issue's 81,000-sentence, 486 KB body, refused with 413 (it took 42.9 s, then a gunicorn
  timeout, before the segment limit and the linear sentence splitter).

    .venv/bin/python bench/large_post.py [--repeat 5] [--database-url postgresql+psycopg://...]

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

from bench.api_stack import api_stack  # noqa: E402
from tests.factories import story  # noqa: E402

SENTENCE = (
    "The council approved the plan on Tuesday after a long debate about the cost of the new schools "
    "in the north of the city and the roads that lead to them, which many families use every day "
    "to reach work and the markets along the river."
)


def bodies(max_segments: int) -> dict[str, dict]:
    return {
        "typical story (anchor)": story(),
        f"largest accepted ({max_segments} segments)": story(
            format="text", lede="", body="\n\n".join([SENTENCE] * (max_segments - 1))
        ),
        "81,000 sentences, 486 KB (refused)": story(format="text", lede="", body="Yes. " * 81_000 + "x" * 81_000),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with api_stack("large-post", args.database_url) as stack:
        settings, client, headers = stack.settings, stack.client, stack.headers
        payloads = bodies(settings.max_segments)
        timings: dict[str, list[float]] = {name: [] for name in payloads}
        statuses: dict[str, set[int]] = {name: set() for name in payloads}
        for run in range(args.repeat + 1):  # the first round warms up and is not counted
            for name, payload in payloads.items():
                payload = {**payload, "title": f"{payload['title']} {run}"}
                started = time.perf_counter()
                response = client.post("/api/v1/posts", json=payload, headers=headers)
                elapsed = time.perf_counter() - started
                if run:
                    timings[name].append(elapsed)
                    statuses[name].add(response.status_code)
        anchor = statistics.median(next(iter(timings.values())))
        print(f"\nPOST /api/v1/posts, {args.repeat} interleaved runs, {settings.effective_database_url.split(':')[0]}")
        print(f"{'body':<40} {'status':>6} {'median s':>9} {'min-max s':>13} {'x anchor':>9}")
        for name, values in timings.items():
            median = statistics.median(values)
            spread = f"{min(values):.2f}-{max(values):.2f}"
            status = ",".join(map(str, sorted(statuses[name])))
            print(f"{name:<40} {status:>6} {median:>9.3f} {spread:>13} {median / anchor:>9.1f}")


if __name__ == "__main__":
    main()
