"""Reader page speed: rendering on every request against the page cache (with and without 304s).

Fills a throwaway SQLite site with posts, then requests the same reader pages three ways and
prints requests per second and ratios measured in one run.

    .venv/bin/python bench/reader_cache.py [--posts 200] [--requests 300]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import accounts, intake  # noqa: E402
from service.app import create_app  # noqa: E402
from service.db import make_engine, make_session_factory  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.settings import load_settings  # noqa: E402

PATHS = ["/en/", "/en/?page=3", "/en/tag/city", "/en/feed.xml", "/en/search?q=rain"]


def fill(settings, posts: int) -> None:
    sessions = make_session_factory(make_engine(settings))
    with sessions() as session:
        editor = accounts.create_user(session, "bench", "editor", "bench-password")
        for number in range(posts):
            payload = {
                "title": f"Heavy rain floods street number {number}",
                "lede": "Streets were closed on Monday night.",
                "body": "The fire service pumped water from 40 houses.\n\nNobody was hurt, the police said.",
                "tags": ["weather", "city"],
                "target_locales": ["es"],
                "published_at": f"2026-{1 + number % 11:02d}-{1 + number % 27:02d}T08:00:00Z",
            }
            intake.submit_post(session, editor, payload, settings)
        session.commit()


def rate(client, requests: int, clear: bool, conditional: bool) -> float:
    etags = {path: client.get(path).headers.get("ETag") for path in PATHS}
    started = time.perf_counter()
    for number in range(requests):
        path = PATHS[number % len(PATHS)]
        if clear:
            client.application.extensions.get("tarjama.page_cache", {}).clear()
        headers = {"If-None-Match": etags[path]} if conditional else {}
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 304)
    return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-bench-"))
    try:
        settings = load_settings(
            {
                "TARJAMA_DATA_DIR": str(workdir),
                "TARJAMA_SECRET_KEY": "bench",
                "TARJAMA_REDIS_URL": "redis://127.0.0.1:1/0",
            }
        )
        upgrade(settings)
        fill(settings, args.posts)
        client = create_app(settings).test_client()
        results = {
            "render every request (no cache)": rate(client, args.requests, clear=True, conditional=False),
            "page cache hit (200)": rate(client, args.requests, clear=False, conditional=False),
            "page cache + If-None-Match (304)": rate(client, args.requests, clear=False, conditional=True),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    slowest = min(results.values())
    print(f"\n{args.posts} posts, {args.requests} requests over {len(PATHS)} reader pages (SQLite, in-process)\n")
    print(f"{'mode':<36} {'requests/s':>11} {'vs no cache':>12}")
    for name, per_second in results.items():
        print(f"{name:<36} {per_second:>11.0f} {per_second / slowest:>11.1f}x")


if __name__ == "__main__":
    main()
