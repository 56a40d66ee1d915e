"""A cached reader page against a static file of the same size, served by the same gunicorn server.

The server runs Tarjama's app with one extra route, `/bench-static/<name>` (bench/static_anchor.py),
that serves a file with Flask's `send_from_directory` (how Flask serves static files): the same workers, hooks and headers,
so the static file is the real anchor for "a page served from memory". The file holds exactly the
bytes of the cached page. Client threads fetch one or the other over keep-alive connections for a
few seconds, alternating A, B, A, B; the table gives requests/s (median and spread) and the ratio.
The archive is bench/dataset.py's 5,000 pages; --code measures another checkout on the same data
(at its own schema).

    .venv/bin/python bench/reader_cache.py [--db sqlite|postgresql] [--rounds 5] [--seconds 5]
    .venv/bin/python bench/reader_cache.py --code /work/benchdata/scale/main-checkout
"""

from __future__ import annotations

import argparse
import http.client
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
PAGES = 5000
PAGE = "/en/"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server on {port} did not start")


def rate(port: int, path: str, clients: int, seconds: float) -> float:
    """Requests per second that `clients` keep-alive connections get for `path`."""
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            counts[number] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose Tarjama to serve")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import dataset

    code = args.code.resolve()
    old_url, new_url = dataset.prepare(args.db, PAGES)
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-cache-"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{code}:{ROOT}",
        "TARJAMA_DATA_DIR": str(workdir / "data"),
        "TARJAMA_DATABASE_URL": new_url if code == ROOT else old_url,
        "TARJAMA_SECRET_KEY": "bench",
        "TARJAMA_REDIS_URL": "redis://127.0.0.1:1/0",
        "BENCH_STATIC_DIR": str(workdir),
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        + ["bench.static_anchor:app()"],
        env=env,
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rates: dict[str, list[float]] = {"cached page": [], "static file": []}
    try:
        wait_for(port)
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("GET", PAGE)
        body = connection.getresponse().read()
        (workdir / "same-size.html").write_bytes(body)
        paths = {"cached page": PAGE, "static file": "/bench-static/same-size.html"}
        for path in paths.values():
            rate(port, path, args.clients, 1)  # every worker has the page cached and the file open once
        for number in range(args.rounds):
            for name, path in paths.items():
                rates[name].append(rate(port, path, args.clients, args.seconds))
            print(f"round {number + 1}: " + ", ".join(f"{n} {r[-1]:.0f}/s" for n, r in rates.items()), file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\n{PAGE} ({len(body):,} bytes), gunicorn {args.workers} sync workers, {args.clients} keep-alive clients, "
        f"{args.rounds} interleaved rounds of {args.seconds:.0f} s, {args.db}; code: {code}\n"
    )
    print(f"{'served':<14} {'requests/s (median, min-max)':>30}")
    for name, values in rates.items():
        print(f"{name:<14} {statistics.median(values):>14.0f} ({min(values):.0f}-{max(values):.0f})")
    ratios = [page / static for page, static in zip(rates["cached page"], rates["static file"], strict=True)]
    print(f"\ncached page / static file per round: median {statistics.median(ratios):.2f} (min {min(ratios):.2f})")


if __name__ == "__main__":
    main()
