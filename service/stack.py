"""`tarjama run`: the whole local stack as child processes, stopped together on Ctrl-C.

Redis is started here only when no TARJAMA_REDIS_URL is set, with its data in the data dir
(append-only file, so queued work survives a restart).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from service.settings import Settings


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(data_dir: Path, port: int) -> subprocess.Popen:
    """Start a private redis-server and wait until it answers."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise click.ClickException("redis-server not found: apt-get install redis-server (or set TARJAMA_REDIS_URL)")
    redis_dir = data_dir.resolve() / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            raise click.ClickException(f"redis-server exited with code {process.returncode}")
        time.sleep(0.1)
    process.terminate()
    raise click.ClickException("redis-server did not start within 10 seconds")


def run_stack(settings: Settings, host: str, port: int) -> int:
    from service.migrate import upgrade

    upgrade(settings)
    env = dict(os.environ)
    children: list[tuple[str, subprocess.Popen]] = []
    try:
        if not settings.redis_url:
            redis_port = free_port(6379)
            children.append(("redis", start_redis(settings.data_dir, redis_port)))
            env["TARJAMA_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        python = sys.executable
        beat_file = str(settings.data_dir.resolve() / "celerybeat-schedule")
        # The app is imported once and forked (--preload), and the web starts alone: on a small
        # machine it answers sooner than when every process imports its code at the same time.
        web = [python, "-m", "gunicorn", "--preload", "--bind", f"{host}:{port}", "--workers", "2"]
        commands = {
            "web": [*web, "service.app:create_app()"],
            "worker": [python, "-m", "celery", "-A", "workers", "worker", "--loglevel", "INFO", "--concurrency", "1"],
            "beat": [python, "-m", "celery", "-A", "workers", "beat", "--loglevel", "INFO", "--schedule", beat_file],
        }
        for name, command in commands.items():
            children.append((name, subprocess.Popen(command, env=env)))
            if name == "web":
                _wait_for_port(host, port, children[-1][1])
        subprocess.run([python, "-m", "service.cli", "resume"], env=env, check=False)
        click.echo(f"Tarjama is running on http://{host}:{port}/ (Ctrl-C stops everything)")
        return _wait(children)
    finally:
        _stop(children)


def _wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    """Until the web server accepts connections (or exits, or `timeout` passes: the rest starts anyway)."""
    address = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex((address, port)) == 0:
                return
        time.sleep(0.05)


def _wait(children: list[tuple[str, subprocess.Popen]]) -> int:
    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started with SIGINT ignored (background jobs)
    while not stopping["flag"]:
        for name, process in children:
            if process.poll() is not None:
                click.echo(f"{name} exited with code {process.returncode}; stopping the stack", err=True)
                return 1
        time.sleep(0.5)
    click.echo("stopping Tarjama")
    return 0


def _stop(children: list[tuple[str, subprocess.Popen]]) -> None:
    """Stop in reverse start order so Redis outlives the processes that use it."""
    for _name, process in reversed(children):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
