"""Intake throughput and latency under gunicorn, against a bare endpoint that stores the same post row.

Two servers run side by side with the same gunicorn settings, each on a database of its own made
the same way (same engine, same settings, same schema):
- tarjama: `POST /api/v1/posts` (token check, validation, sanitising, segments, terms, source
  page, search index, cache generations, one commit, then the translation tasks into Redis);
- anchor: a bare Flask endpoint that parses the same JSON and durably inserts the same `posts` row
  (one INSERT, one COMMIT): the least a durable intake can cost on this database.
With --old, a third server runs another checkout (e.g. the code before issue 11) on a database of
its own. Four client threads post stories as fast as they can for a few seconds to each server in
turn (A, B, C, A, B, C, ...); the table gives the median and spread of requests/s and the latency
percentiles over all rounds.

    .venv/bin/python bench/intake.py --db sqlite|postgresql [--rounds 5] [--seconds 8] [--clients 4]
    .venv/bin/python bench/intake.py --old /work/benchdata/scale/main-checkout   # the old code as well
    .venv/bin/python bench/intake.py --pages 100000   # each database starts as a copy of a large archive
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:55432"
STORY = {
    "lede": "The schools will take 1,200 pupils from September.",
    "format": "html",
    "body": (
        '<p>The council approved the plan on Tuesday. Read <a href="https://example.org/plan">the full plan</a> '
        "before the <em>public meeting</em>.</p>"
        "<h2>What changes for families</h2>"
        "<ul><li>Two primary schools in the north.</li><li>One secondary school near the river.</li></ul>"
        "<blockquote><p>We have waited ten years for this.</p></blockquote>"
        "<p>Parents asked for safe roads. The mayor said the work starts in March and ends in two years.</p>"
    ),
    "tags": ["education", "city"],
    "categories": ["Local"],
    "author": "Amira Haddad",
    "published_at": "2026-11-23T09:00:00Z",
}


def anchor_app():
    """The anchor: parse the JSON, insert the post row, commit. Nothing else."""
    from datetime import UTC, datetime

    from flask import Flask, jsonify, request
    from sqlalchemy import create_engine, event, text

    url = os.environ["TARJAMA_DATABASE_URL"]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # the same pragmas as service/db.py
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    app = Flask(__name__)
    insert = text(
        "INSERT INTO posts (slug, source_locale, author, tags, categories, published_at, created_by_id, created_at) "
        "VALUES (:slug, 'en', :author, :tags, :categories, :published_at, 1, :now) RETURNING id"
    )

    @app.post("/api/v1/posts")
    def create():
        payload = request.get_json()
        now = datetime.now(UTC)
        with engine.begin() as connection:
            post_id = connection.scalar(
                insert,
                {
                    "slug": "anchor-" + "-".join(payload["title"].lower().split()),
                    "author": payload["author"],
                    "tags": json.dumps(payload["tags"]),
                    "categories": json.dumps(payload["categories"]),
                    "published_at": datetime.fromisoformat(payload["published_at"].replace("Z", "+00:00")),
                    "now": now,
                },
            )
        return jsonify(id=post_id), 201

    return app


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def cli(env: dict, *args: str) -> str:
    """Run the CLI of the checkout first on env's PYTHONPATH (`python -m` puts the cwd first on sys.path)."""
    code = env["PYTHONPATH"].split(":")[0]
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", *args], env=env, cwd=code, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def start_redis(workdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    (workdir / "redis").mkdir()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--dir", str(workdir / "redis"), "--save", ""], stdout=subprocess.DEVNULL
    )
    wait_for(port)
    return redis, port


def setup(db: str, workdir: Path, code: Path, name: str, redis_port: int, archive: str | None) -> dict[str, str]:
    """A database for one version of the code (empty, or a copy of `archive`), with an editor's token.

    Returns the environment of its server.
    """
    if db == "sqlite":
        url = f"sqlite:///{workdir / f'{name}.db'}"
        if archive:
            shutil.copy(archive.removeprefix("sqlite:///"), workdir / f"{name}.db")
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        template = f" TEMPLATE {archive.rsplit('/', 1)[1]}" if archive else ""
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS tarjama_bench_intake_{name}"))
            connection.execute(text(f"CREATE DATABASE tarjama_bench_intake_{name}{template}"))
        engine.dispose()
        url = f"{PG_SERVER}/tarjama_bench_intake_{name}"
    env = {
        **os.environ,
        "PYTHONPATH": f"{code}:{ROOT}",
        "TARJAMA_DATA_DIR": str(workdir / f"data-{name}"),
        "TARJAMA_DATABASE_URL": url,
        "TARJAMA_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TARJAMA_SECRET_KEY": "bench",
    }
    cli(env, "init")
    cli(env, "users", "add", "desk", "--role", "editor", "--password", "bench-password-1")
    env["BENCH_TOKEN"] = cli(env, "tokens", "create", "desk").splitlines()[-1]
    return env


def serve(env: dict, app: str, port: int, workers: int, workdir: Path, name: str) -> subprocess.Popen:
    log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), app],
        env=env,
        cwd=env["PYTHONPATH"].split(":")[0],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for(port)
    return process


def load(port: int, token: str, clients: int, seconds: float, tag: str) -> tuple[float, list[float]]:
    """Post stories from `clients` threads for `seconds`; returns (requests/s, latencies in ms)."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        sent = 0
        while time.monotonic() < stop:
            sent += 1
            body = json.dumps({**STORY, "title": f"Schools {tag} {number} {sent} open in the north"})
            started = time.perf_counter()
            connection.request("POST", "/api/v1/posts", body, headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status == 201:
                    latencies.append(elapsed)
                else:
                    errors.append(str(response.status))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed: {sorted(set(errors))}")
    return len(latencies) / (time.monotonic() - started), latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--old", type=Path, help="also measure another checkout's tarjama (e.g. the old code)")
    parser.add_argument("--pages", type=int, help="start each database as a copy of bench/dataset.py's archive")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-intake-", dir="/work/benchdata/scale"))
    servers: list[subprocess.Popen] = []
    redis = None
    labels = {"anchor": "anchor: bare durable insert", "tarjama": "tarjama POST /api/v1/posts"}
    try:
        redis, redis_port = start_redis(workdir)
        # Each server has a database of its own (same engine, same settings), so none writes into another's.
        old_archive = new_archive = None
        if args.pages:
            sys.path.insert(0, str(ROOT))
            from bench import dataset

            old_archive, new_archive = dataset.prepare(args.db, args.pages)
        anchor_env = setup(args.db, workdir, ROOT, "anchor", redis_port, new_archive)
        env = setup(args.db, workdir, ROOT, "new", redis_port, new_archive)
        targets = {"anchor": (anchor_env, "bench.intake:anchor_app()"), "tarjama": (env, "service.app:create_app()")}
        if args.old:
            old_env = setup(args.db, workdir, args.old.resolve(), "old", redis_port, old_archive)
            targets["old"] = (old_env, "service.app:create_app()")
            labels["old"] = "old tarjama POST /api/v1/posts"
        ports = {}
        for name, (target_env, app) in targets.items():
            ports[name] = free_port()
            servers.append(serve(target_env, app, ports[name], args.workers, workdir, name))
        for name, port in ports.items():  # each worker connected and warm
            load(port, targets[name][0]["BENCH_TOKEN"], args.clients, 1.5, f"warm{name}")
        rates: dict[str, list[float]] = {name: [] for name in ports}
        latencies: dict[str, list[float]] = {name: [] for name in ports}
        for number in range(args.rounds):
            for name, port in ports.items():
                rate, times = load(
                    port, targets[name][0]["BENCH_TOKEN"], args.clients, args.seconds, f"r{number}{name}"
                )
                rates[name].append(rate)
                latencies[name].extend(times)
                print(f"round {number + 1} {name:<8} {rate:7.1f} requests/s  p99 {percentile(times, 0.99):6.1f} ms")
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=30)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    archive = f"{args.pages:,}-page archive" if args.pages else "empty database"
    print(
        f"\nintake, {args.db} ({archive}), gunicorn {args.workers} sync workers, {args.clients} clients, "
        f"{args.rounds} interleaved rounds of {args.seconds:.0f} s\n"
    )
    print(f"{'endpoint':<32} {'requests/s (median, min-max)':>30} {'p50 ms':>8} {'p99 ms':>8}")
    for name, values in rates.items():
        print(
            f"{labels[name]:<32} {statistics.median(values):>14.1f} ({min(values):.1f}-{max(values):.1f}) "
            f"{percentile(latencies[name], 0.5):>8.1f} {percentile(latencies[name], 0.99):>8.1f}"
        )
    for name in ("tarjama", "old") if args.old else ("tarjama",):
        ratio = [t / a for t, a in zip(rates[name], rates["anchor"], strict=True)]
        print(f"{name} / anchor throughput per round: median {statistics.median(ratio):.2f} (min {min(ratio):.2f})")


if __name__ == "__main__":
    main()
