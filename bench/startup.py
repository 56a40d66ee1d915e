"""How long `tarjama run` takes to answer /healthz when no migration is due.

Each round starts the whole local stack (its own Redis, gunicorn, a Celery worker and beat) on a
database already at the current schema, polls /healthz every 20 ms until it answers 200, then
stops the stack with SIGINT and waits for it to exit. With --code, the same is done for another
checkout (e.g. the old code), alternating A, B, A, B; the table gives median and spread.

    .venv/bin/python bench/startup.py [--rounds 5] [--code /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(code: Path, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TARJAMA_")}
    return {**env, "PYTHONPATH": str(code), "TARJAMA_DATA_DIR": str(data_dir), "TARJAMA_SECRET_KEY": "bench"}


def time_to_healthz(code: Path, data_dir: Path) -> float:
    port = free_port()
    started = time.monotonic()
    stack = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "run", "--port", str(port)],
        env=environment(code, data_dir),
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            if stack.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"tarjama run ({code}) exited or never answered /healthz")
            time.sleep(0.02)
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", type=Path, action="append", default=[], help="another checkout to compare")
    args = parser.parse_args()
    codes = [ROOT, *[code.resolve() for code in args.code]]
    workdir = Path(tempfile.mkdtemp(prefix="tarjama-startup-"))
    results: dict[Path, list[float]] = {code: [] for code in codes}
    init: dict[Path, list[float]] = {code: [] for code in codes}
    try:
        for number, code in enumerate(codes):
            data_dir = workdir / f"data-{number}"
            subprocess.run(
                [sys.executable, "-m", "service.cli", "init"], env=environment(code, data_dir), cwd=code, check=True
            )
        for _ in range(args.rounds):
            for number, code in enumerate(codes):
                data_dir = workdir / f"data-{number}"
                started = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "service.cli", "init"],
                    env=environment(code, data_dir),
                    cwd=code,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                init[code].append(time.monotonic() - started)
                results[code].append(time_to_healthz(code, data_dir))
                print(f"{code}: healthz after {results[code][-1]:.2f} s (init {init[code][-1]:.2f} s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n`tarjama run` on an up-to-date SQLite database, {args.rounds} interleaved rounds\n")
    print(f"{'code':<45} {'/healthz answers after (median, min-max)':>42} {'tarjama init (no-op)':>22}")
    for code in codes:
        values = results[code]
        print(
            f"{str(code):<45} {statistics.median(values):>22.2f} s ({min(values):.2f}-{max(values):.2f}) "
            f"{statistics.median(init[code]):>20.2f} s"
        )


if __name__ == "__main__":
    main()
