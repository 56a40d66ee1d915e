"""Sitemap parts and the sitemap index on a large archive, uncached, old code against new.

Each round renders the index and a few parts (first, middle, last) with the page cache emptied
first, in-process, in one process per code version (this checkout on the upgraded archive and,
with --old, another checkout on the original), alternating A, B. The table gives seconds per part
(median, max), the URLs and megabytes in a part, and the index.

    .venv/bin/python bench/sitemap.py --db postgresql --pages 1000000 [--old /work/benchdata/scale/main-checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def measure(url: str) -> dict:
    from lxml import etree

    from service.app import create_app
    from service.settings import load_settings

    settings = load_settings(
        {
            "TARJAMA_DATA_DIR": tempfile.mkdtemp(prefix="tarjama-sitemap-"),
            "TARJAMA_DATABASE_URL": url,
            "TARJAMA_SECRET_KEY": "bench",
            "TARJAMA_REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    app = create_app(settings)
    client = app.test_client()
    store = app.extensions.setdefault("tarjama.page_cache", OrderedDict())  # the old code makes it lazily

    def fetch(path: str) -> tuple[float, bytes]:
        store.clear()
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        return elapsed, response.get_data()

    index_time, index = fetch("/sitemap.xml")
    parts = [loc.text.split("/", 3)[3] for loc in etree.fromstring(index).iter(f"{SITEMAP}loc")]
    chosen = sorted({parts[0], parts[len(parts) // 2], parts[-1]})
    result = {"index": [index_time], "parts": len(parts), "part": [], "urls": [], "bytes": []}
    for path in chosen:
        elapsed, body = fetch("/" + path)
        result["part"].append(elapsed)
        result["urls"].append(len(etree.fromstring(body).findall(f"{SITEMAP}url")))
        result["bytes"].append(len(body))
    return result


def run_worker(code: Path, url: str) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{code}:{ROOT}"}
    output = subprocess.run(
        [sys.executable, str(Path(__file__)), "--worker", url], env=env, cwd=code, capture_output=True, text=True
    )
    if output.returncode != 0:
        raise RuntimeError(output.stderr[-3000:])
    return json.loads(output.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", type=Path, help="a checkout of the old code, measured on the original archive")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker)))
        return
    sys.path.insert(0, str(ROOT))
    from bench import dataset

    pages = args.pages or (100_000 if args.db == "sqlite" else 1_000_000)
    old_url, new_url = dataset.prepare(args.db, pages)
    runs = [("new", ROOT, new_url)] + ([("old", args.old.resolve(), old_url)] if args.old else [])
    results: dict[str, dict] = {name: {"index": [], "part": [], "urls": [], "bytes": []} for name, *_ in runs}
    for number in range(args.rounds):
        for name, code, url in runs:
            measured = run_worker(code, url)
            for key in ("index", "part", "urls", "bytes"):
                results[name][key].extend(measured[key])
            results[name]["parts"] = measured["parts"]
            print(f"round {number + 1}: {name}: parts take {measured['part']} s", file=sys.stderr)
    print(f"\nsitemaps of {pages:,} published pages on {args.db}, uncached, in-process; {args.rounds} rounds\n")
    print(
        f"{'code':<6} {'parts':>6} {'URLs/part (max)':>16} {'MB/part (max)':>14} {'s/part (median, max)':>22} {'index s':>8}"
    )
    for name, result in results.items():
        print(
            f"{name:<6} {result['parts']:>6} {max(result['urls']):>16,} {max(result['bytes']) / 1e6:>14.1f} "
            f"{statistics.median(result['part']):>13.3f} ({max(result['part']):.3f}) {statistics.median(result['index']):>8.3f}"
        )


if __name__ == "__main__":
    main()
