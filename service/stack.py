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
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from service import metrics, routing
from service.settings import Settings


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StopStack(Exception):
    """SIGTERM or SIGINT arrived: stop everything started so far."""


class Signals:
    """Turns SIGTERM/SIGINT into StopStack, except inside `held()`, where the stop waits until the
    block ends (so a child is never started without being recorded, hence never orphaned)."""

    def __init__(self) -> None:
        self.requested = False
        self.raised = False
        self.holding = 0

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)  # also when started with SIGINT ignored (background jobs)

    def _on_signal(self, _signum, _frame) -> None:
        self.requested = True
        self._stop_now()

    def _stop_now(self) -> None:
        """Raise once: a second Ctrl-C while stopping must not interrupt the stopping."""
        if self.requested and not self.holding and not self.raised:
            self.raised = True
            raise StopStack

    @contextmanager
    def held(self) -> Iterator[None]:
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        self._stop_now()


def spawn(
    signals: Signals, children: list[tuple[str, subprocess.Popen]], name: str, command: list[str], **options
) -> subprocess.Popen:
    """Start a child in its own process group and record it, with no gap a signal could fall into.

    Its own group: Ctrl-C in the terminal reaches only `tarjama run`, which stops the children in
    order, and a child that will not stop is killed with everything it started.
    """
    with signals.held():
        process = subprocess.Popen(command, process_group=0, **options)
        children.append((name, process))
    return process


def start_redis(
    signals: Signals, children: list[tuple[str, subprocess.Popen]], data_dir: Path, port: int
) -> subprocess.Popen:
    """Start a private redis-server and wait until it answers."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise click.ClickException("redis-server not found: apt-get install redis-server (or set TARJAMA_REDIS_URL)")
    redis_dir = data_dir.resolve() / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    command = [
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
    ]
    process = spawn(signals, children, "redis", command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            raise click.ClickException(f"redis-server exited with code {process.returncode}")
        time.sleep(0.1)
    raise click.ClickException("redis-server did not start within 10 seconds")


def run_stack(settings: Settings, host: str, port: int) -> int:
    """Run Redis (if none is configured), web, workers and beat until a signal or a child's exit.

    The signal handlers come first, so SIGTERM/SIGINT at any moment, start-up included, stops
    every child started so far (each in its own process group: its own children go too).
    """
    from service.migrate import upgrade

    signals = Signals()
    signals.install()
    children: list[tuple[str, subprocess.Popen]] = []
    try:
        upgrade(settings)
        env = dict(os.environ)
        # Every process of the stack counts into one metrics directory, cleared of ended processes' files.
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics.configure(settings))
        metrics.forget_dead_processes(settings)
        if not settings.redis_url:
            redis_port = free_port(6379)
            start_redis(signals, children, settings.data_dir, redis_port)
            env["TARJAMA_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        python = sys.executable
        beat_file = str(settings.data_dir.resolve() / "celerybeat-schedule")
        quiet = ["--quiet"] if settings.log_format == "json" else []  # no banner among the JSON lines
        celery = [python, "-m", "celery", "-A", "workers", *quiet]
        # The app is imported once and forked (--preload), and the web starts alone: on a small
        # machine it answers sooner than when every process imports its code at the same time.
        web = [python, "-m", "gunicorn", "-c", "python:service.gunicorn_conf", "--preload"]
        commands = {
            "web": ([*web, "--bind", f"{host}:{port}", "--workers", "2", "service.app:create_app()"], {}),
            **worker_commands(settings, celery),
            "beat": ([*celery, "beat", "--loglevel", "INFO", "--schedule", beat_file], {}),
        }
        for name, (command, extra_env) in commands.items():
            process = spawn(signals, children, name, command, env={**env, **extra_env})
            if name == "web":
                _wait_for_port(host, port, process)
        subprocess.run([python, "-m", "service.cli", "resume"], env=env, check=False)
        click.echo(f"Tarjama is running on http://{host}:{port}/ (Ctrl-C stops everything)")
        return _wait(children)
    except StopStack:
        click.echo("stopping Tarjama")
        return 0
    finally:
        _stop(children)


def worker_commands(settings: Settings, celery: list[str]) -> dict[str, tuple[list[str], dict[str, str]]]:
    """One worker per engine that serves a pair, each on its engine's queues (service/routing.py).

    Apertium's quick drafts never wait behind a neural-MT batch. The Apertium worker runs one
    process per core (each draft is a single-threaded Apertium pipeline); the Argos worker runs one
    process, whose CTranslate2 threads use the cores, with one copy of each model in memory. The
    first worker also serves the sweep and the index upkeep.
    """
    served = {name.split(".")[1] for name in routing.translation_queues(settings)}
    cores = os.cpu_count() or 1
    commands = {}
    for engine in (engine for engine in routing.ENGINES if engine in served):
        selectors = engine if commands else f"{engine},upkeep"
        concurrency = 1 if engine == "argos" else cores
        command = [*celery, "worker", "--loglevel", "INFO", "--concurrency", str(concurrency), "-n", f"{engine}@%h"]
        commands[f"worker-{engine}"] = (command, {"TARJAMA_WORKER_QUEUES": selectors})
    return commands


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
    """Until a child exits (StopStack ends it on a signal)."""
    while True:
        for name, process in children:
            if process.poll() is not None:
                click.echo(f"{name} exited with code {process.returncode}; stopping the stack", err=True)
                return 1
        time.sleep(0.5)


def _stop(children: list[tuple[str, subprocess.Popen]]) -> None:
    """Stop in reverse start order so Redis outlives the processes that use it.

    Each child gets SIGTERM (a graceful stop: gunicorn and Celery stop their own workers); one
    that does not exit within 15 s is killed with its whole process group.
    """
    for _name, process in reversed(children):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill_group(process)
        _kill_group(process)  # anything the child left behind in its group


def _kill_group(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
