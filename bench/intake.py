"""Intake throughput and latency under gunicorn, against a bare endpoint that stores the same post row.

Two servers run side by side with the same gunicorn settings and the same database:
- tarjama: `POST /api/v1/posts` (token check, validation, sanitising, segments, terms, source
  page, search index, cache generations, one commit, then the translation tasks into Redis);
- anchor: a bare Flask endpoint that parses the same JSON and durably inserts the same `posts` row
  (one INSERT, one COMMIT): the least a durable intake can cost on this database.
Four client threads post stories as fast as they can for a few seconds, tarjama and anchor in
turn (A, B, A, B, ...); the table gives the median and spread of requests/s and the latency
percentiles over all rounds.

    .venv/bin/python bench/intake.py --db sqlite|postgresql [--rounds 5] [--seconds 8] [--clients 4]
    .venv/bin/python bench/intake.py --code /path/to/other/checkout   # measure another version of tarjama
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
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def setup(db: str, workdir: Path, code: Path) -> dict[str, str]:
    """A fresh database, Redis and an editor's token; returns the environment of the servers."""
    redis_port = free_port()
    (workdir / "redis").mkdir()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--dir", str(workdir / "redis"), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for(redis_port)
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'tarjama.db'}"
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS tarjama_bench_intake"))
            connection.execute(text("CREATE DATABASE tarjama_bench_intake"))
        engine.dispose()
        url = f"{PG_SERVER}/tarjama_bench_intake"
    env = {
        **os.environ,
        "PYTHONPATH": f"{code}:{ROOT}",
        "TARJAMA_DATA_DIR": str(workdir / "data"),
        "TARJAMA_DATABASE_URL": url,
        "TARJAMA_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TARJAMA_SECRET_KEY": "bench",
    }
    cli(env, "init")
    cli(env, "users", "add", "desk", "--role", "editor", "--password", "bench-password-1")
    env["BENCH_TOKEN"] = cli(env, "tokens", "create", "desk").splitlines()[-1]
    env["BENCH_REDIS_PID"] = str(redis.pid)
    return env


def serve(env: dict, app: str, port: int, workers: int, workdir: Path, name: str) -> subprocess.Popen:
    log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), app],
        env=env,
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
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose tarjama to measure")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-intake-", dir="/work/benchdata/scale"))
    servers: list[subprocess.Popen] = []
    env: dict[str, str] = {}
    try:
        env = setup(args.db, workdir, args.code.resolve())
        ports = {"tarjama": free_port(), "anchor": free_port()}
        servers.append(serve(env, "service.app:create_app()", ports["tarjama"], args.workers, workdir, "tarjama"))
        servers.append(serve(env, "bench.intake:anchor_app()", ports["anchor"], args.workers, workdir, "anchor"))
        for name, port in ports.items():
            load(port, env["BENCH_TOKEN"], args.clients, 1.5, f"warm{name}")  # each worker connected and warm
        rates: dict[str, list[float]] = {"tarjama": [], "anchor": []}
        latencies: dict[str, list[float]] = {"tarjama": [], "anchor": []}
        for number in range(args.rounds):
            for name, port in ports.items():
                rate, times = load(port, env["BENCH_TOKEN"], args.clients, args.seconds, f"r{number}{name}")
                rates[name].append(rate)
                latencies[name].extend(times)
                print(f"round {number + 1} {name:<8} {rate:7.1f} requests/s  p99 {percentile(times, 0.99):6.1f} ms")
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=30)
        if env.get("BENCH_REDIS_PID"):
            os.kill(int(env["BENCH_REDIS_PID"]), 15)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\nintake, {args.db}, gunicorn {args.workers} sync workers, {args.clients} clients, "
        f"{args.rounds} interleaved rounds of {args.seconds:.0f} s; code: {args.code}\n"
    )
    print(f"{'endpoint':<30} {'requests/s (median, min-max)':>30} {'p50 ms':>8} {'p99 ms':>8}")
    for name, label in (("anchor", "anchor: bare durable insert"), ("tarjama", "tarjama POST /api/v1/posts")):
        values = rates[name]
        print(
            f"{label:<30} {statistics.median(values):>14.1f} ({min(values):.1f}-{max(values):.1f}) "
            f"{percentile(latencies[name], 0.5):>8.1f} {percentile(latencies[name], 0.99):>8.1f}"
        )
    ratio = [t / a for t, a in zip(rates["tarjama"], rates["anchor"], strict=True)]
    print(f"\ntarjama / anchor throughput per round: median {statistics.median(ratio):.2f} (min {min(ratio):.2f})")


if __name__ == "__main__":
    main()
