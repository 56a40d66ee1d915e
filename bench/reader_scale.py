"""Reader pages, search and publishing on a large archive, uncached, old code against new.

The archive (bench/dataset.py) is made once and kept under /work/benchdata/scale: 100,000 pages on
SQLite or 1,000,000 on PostgreSQL by default (posts x 5 locales). Every request runs with the page
cache emptied first, in-process (Flask test client: the server's own cost, no HTTP). Each round
runs one process per code version on the same data: this checkout on the upgraded copy and, with
--old, another checkout (e.g. main before issue 11) on the original; rounds alternate A, B, A, B.
"Publish" stores a new post at intake and publishes an approved translation of it, inside a
transaction that is rolled back (the archive stays as it is); it is also timed on a 5,000-page
archive, to show whether its cost depends on the archive's size.

    .venv/bin/python bench/reader_scale.py --db sqlite --pages 100000 [--old /work/benchdata/scale/main-checkout]
    .venv/bin/python bench/reader_scale.py --db postgresql --pages 1000000 --requests 40 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = 5000
DEPTH = 5000  # the deep page starts after this many posts (old code: ?page=501 at 10 a page)


def cases(url: str, new_code: bool) -> dict[str, list[str]]:
    """Reader URLs per case; several post pages so that one row is not always hot."""
    from sqlalchemy import create_engine, text

    from service.models import as_utc

    if new_code:
        from service.site import Cursor

    engine = create_engine(url)
    with engine.connect() as connection:
        slugs = [row[0] for row in connection.execute(text("SELECT slug FROM posts ORDER BY id"))]
        tagged = connection.scalar(text("SELECT count(*) FROM post_terms WHERE term_id = 1"))
        depth = {"home": min(DEPTH, len(slugs) // 20 * 10), "tag": min(DEPTH, tagged // 20 * 10)}
        cursors = {}
        if new_code:
            for name, table, where in (
                ("home", "published_pages", "locale = 'en'"),
                ("tag", "page_terms", "term_id = 1 AND locale = 'en'"),
            ):
                row = connection.execute(
                    text(
                        f"SELECT listed_at, post_id FROM {table} WHERE {where} "
                        f"ORDER BY listed_at DESC, post_id DESC LIMIT 1 OFFSET {depth[name] - 1}"
                    )
                ).one()
                moment = datetime.fromisoformat(row[0]) if isinstance(row[0], str) else row[0]
                cursors[name] = Cursor(as_utc(moment), row[1]).token()
    engine.dispose()
    rng = random.Random(7)
    return {
        "post page": [f"/{locale}/posts/{rng.choice(slugs)}" for locale in ("en", "es", "fr", "de", "fa") * 8],
        "home": ["/en/"],
        "home, deep page": [f"/en/?before={cursors['home']}" if new_code else f"/en/?page={depth['home'] // 10 + 1}"],
        "tag archive, first page": ["/en/tag/city"],
        "tag archive, deep page": [
            f"/en/tag/city?before={cursors['tag']}" if new_code else f"/en/tag/city?page={depth['tag'] // 10 + 1}"
        ],
        "search, common word": ["/en/search?q=Valdoria"],
        "search, rare word": ["/en/search?q=Quillfeather"],
    }


def measure(url: str, new_code: bool, requests: int) -> dict[str, list[float]]:
    """One process's measurements (ms); runs inside the code version under test."""
    from service.app import create_app
    from service.settings import load_settings

    workdir = Path(tempfile.mkdtemp(prefix="tarjama-reader-"))
    settings = load_settings(
        {
            "TARJAMA_DATA_DIR": str(workdir),
            "TARJAMA_DATABASE_URL": url,
            "TARJAMA_SECRET_KEY": "bench",
            "TARJAMA_REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    app = create_app(settings)
    client = app.test_client()
    store = app.extensions.setdefault("tarjama.page_cache", OrderedDict())  # the old code makes it lazily
    results: dict[str, list[float]] = {}
    for name, urls in cases(url, new_code).items():
        for path in urls[:2]:  # warm the connection pool and the database's own cache
            store.clear()
            assert client.get(path).status_code == 200, path
        times = []
        for number in range(requests):
            path = urls[number % len(urls)]
            store.clear()
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        results[name] = times
    results["publish one post"] = publish_times(settings, max(5, requests // 4))
    return results


def publish_times(settings, count: int) -> list[float]:
    """Intake of a post (its source page) and publishing a translation, rolled back each time."""
    from sqlalchemy import select

    from service import intake, publishing
    from service.db import make_engine, make_session_factory
    from service.models import State, TranslatedSegment, User

    sessions = make_session_factory(make_engine(settings))
    times = []
    for number in range(count + 2):
        with sessions() as session:
            editor = session.scalar(select(User).where(User.username == "bench"))
            started = time.perf_counter()
            post, _ = intake.submit_post(
                session,
                editor,
                {
                    "title": f"Publishing benchmark story {number} {time.time()}",
                    "lede": "A lede.",
                    "body": "First paragraph here.\n\nSecond paragraph, Valdoria said.",
                    "tags": ["city", "tag 7"],
                    "categories": ["Section 1"],
                    "target_locales": ["es"],
                },
                settings,
            )
            translation = post.translations[0]
            for segment in post.current_revision.segments:
                translation.segments.append(
                    TranslatedSegment(position=segment.position, text=segment.source_text, origin="human")
                )
            translation.state = State.approved.value
            publishing.publish(session, translation)
            session.flush()
            elapsed = (time.perf_counter() - started) * 1000
            session.rollback()
        if number >= 2:
            times.append(elapsed)
    return times


def run_worker(code: Path, url: str, new_code: bool, requests: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": f"{code}:{ROOT}"}
    command = [sys.executable, str(Path(__file__)), "--worker", url, "--requests", str(requests)]
    if new_code:
        command.append("--new-code")
    output = subprocess.run(command, env=env, cwd=code, capture_output=True, text=True)
    if output.returncode != 0:
        raise RuntimeError(output.stderr[-3000:])
    return json.loads(output.stdout.splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--requests", type=int, default=40, help="per case, per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", type=Path, help="a checkout of the old code, measured on the original archive")
    parser.add_argument("--rebuild", action="store_true", help="upgrade a fresh copy of the archive to head first")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--new-code", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.new_code, args.requests)))
        return

    sys.path.insert(0, str(ROOT))
    from bench import dataset

    pages = args.pages or (100_000 if args.db == "sqlite" else 1_000_000)
    old_url, new_url = dataset.prepare(args.db, pages, rebuild_head=args.rebuild)
    small_old, small_new = dataset.prepare(args.db, SMALL, rebuild_head=args.rebuild)
    runs = [("new", ROOT, new_url, True), ("new, 5k pages", ROOT, small_new, True)]
    if args.old:
        runs += [("old", args.old.resolve(), old_url, False), ("old, 5k pages", args.old.resolve(), small_old, False)]
    results: dict[str, dict[str, list[float]]] = {name: {} for name, *_ in runs}
    for number in range(args.rounds):
        for name, code, url, new_code in runs:
            requests = args.requests if "5k" not in name else max(8, args.requests // 4)
            started = time.monotonic()
            for case, times in run_worker(code, url, new_code, requests).items():
                results[name].setdefault(case, []).extend(times)
            print(f"round {number + 1}: {name} measured in {time.monotonic() - started:.0f} s", file=sys.stderr)

    print(f"\n{pages:,} published pages on {args.db}, uncached, in-process; {args.rounds} interleaved rounds\n")
    header = f"{'case':<26} {'new p50':>9} {'new p99':>9}"
    if args.old:
        header += f" {'old p50':>9} {'old p99':>9} {'old/new p50':>12}"
    print(header + "   (ms)")
    for case in results["new"]:
        new = results["new"][case]
        line = f"{case:<26} {percentile(new, 0.5):>9.1f} {percentile(new, 0.99):>9.1f}"
        if args.old:
            old = results["old"][case]
            line += f" {percentile(old, 0.5):>9.1f} {percentile(old, 0.99):>9.1f} {percentile(old, 0.5) / percentile(new, 0.5):>11.1f}x"
        print(line)
    print(f"\npublishing one post, p50 (ms): at {SMALL:,} pages vs at {pages:,} pages")
    for name in ("new", "old") if args.old else ("new",):
        small = statistics.median(results[f"{name}, 5k pages"]["publish one post"])
        large = statistics.median(results[name]["publish one post"])
        print(f"  {name}: {small:.1f} vs {large:.1f} ({large / small:.2f}x)")


if __name__ == "__main__":
    main()
