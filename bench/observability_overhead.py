"""What request metrics and request log lines cost on the cheapest page: a reader page-cache hit.

A: as shipped (prometheus multiprocess files, one JSON log line per request, written to a file).
M: metrics only (the request log line off).
B: the same app with the request metrics, the cache counter and the request log line switched off.
Runs A, M and B interleaved, several rounds, and prints the median and spread of requests per second.

    .venv/bin/python bench/observability_overhead.py [--posts 50] [--requests 400] [--rounds 7]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reader_cache import fill  # noqa: E402
from service import metrics  # noqa: E402
from service.app import create_app  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.settings import load_settings  # noqa: E402

PATHS = ["/en/", "/en/?page=2", "/en/tag/city", "/en/feed.xml"]
SHIPPED = (metrics.observe_request, metrics.count_cache)


def observability(counting: bool, logging_requests: bool) -> None:
    metrics.observe_request, metrics.count_cache = SHIPPED if counting else (lambda *a, **k: None,) * 2
    logging.getLogger("tarjama.http").disabled = not logging_requests


def rate(client, requests: int) -> float:
    started = time.perf_counter()
    for number in range(requests):
        assert client.get(PATHS[number % len(PATHS)]).status_code == 200
    return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-bench-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(workdir / "metrics")
    try:
        settings = load_settings(
            {
                "TARJAMA_DATA_DIR": str(workdir),
                "TARJAMA_SECRET_KEY": "bench",
                "TARJAMA_REDIS_URL": "redis://127.0.0.1:1/0",
                "TARJAMA_LOG_FORMAT": "json",
            }
        )
        metrics.configure(settings)
        upgrade(settings)
        fill(settings, args.posts)
        client = create_app(settings).test_client()
        log_file = logging.FileHandler(workdir / "requests.log")
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_tarjama", False)]:
            log_file.setFormatter(handler.formatter)
            for log_filter in handler.filters:
                log_file.addFilter(log_filter)
            root.removeHandler(handler)
        root.addHandler(log_file)
        for path in PATHS:  # fill the page cache: every timed request is a hit
            client.get(path)
        modes = {
            "A: metrics + request log": (True, True),
            "M: metrics only": (True, False),
            "B: both off": (False, False),
        }
        results: dict[str, list[float]] = {name: [] for name in modes}
        for _ in range(args.rounds):
            for name, switches in modes.items():
                observability(*switches)
                results[name].append(rate(client, args.requests))
        observability(True, True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    anchor = statistics.median(results["B: both off"])
    print(f"\npage-cache hits, {args.requests} requests x {args.rounds} interleaved rounds (SQLite, in-process)\n")
    print(f"{'mode':<28} {'median req/s':>13} {'min':>7} {'max':>7} {'vs B':>7}")
    for name, rates in results.items():
        median = statistics.median(rates)
        print(f"{name:<28} {median:>13.0f} {min(rates):>7.0f} {max(rates):>7.0f} {median / anchor:>6.2f}x")


if __name__ == "__main__":
    main()
