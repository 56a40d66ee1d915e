"""Fixtures over real services, started once per test session.

- Database: SQLite by default; PostgreSQL when TARJAMA_TEST_DATABASE_URL is set (CI runs the
  suite both ways). The schema is made once with the Alembic migrations; each test gets it empty.
- Redis: a real redis-server on a free port. Request tests queue into database 1, the
  integration tests' worker listens on database 2, so no test feeds another's worker.
- Argos: tiny synthetic packages (real format, random weights) built and installed once.
- Metrics: one prometheus multiprocess directory for the run (PROMETHEUS_MULTIPROC_DIR).
- Chromium: Debian's, headless through Playwright, for the browser tests (one per module).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service.db import Base, make_engine, make_session_factory
from service.settings import Settings, load_settings
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@pytest.fixture(scope="session", autouse=True)
def metrics_dir(tmp_path_factory) -> Path:
    """One multiprocess-metrics directory for the test run, as `tarjama run` has one for its stack:
    the tests' own process and the workers they start (which inherit the environment) share it."""
    from service import metrics

    return metrics.configure(Settings(metrics_dir=tmp_path_factory.mktemp("metrics")))


@pytest.fixture(autouse=True)
def release_database_connections():
    """Each test's apps and CLI runs make engines; close their pools when the test ends so
    PostgreSQL's client limit is never reached over a long run."""
    yield
    from service.db import dispose_engines

    dispose_engines()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server not found: apt-get install redis-server (scripts/setup.sh does)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def argos_dir(tmp_path_factory) -> Path:
    """Synthetic Argos packages en->de, de->en, en->fa, fa->en installed in one directory."""
    from workers.mt import argos
    from workers.mt.synthetic import build_package

    packages = tmp_path_factory.mktemp("argos-packages")
    archives = tmp_path_factory.mktemp("argos-archives")
    settings = Settings(argos_packages_dir=packages)
    for source, target in [("en", "de"), ("de", "en"), ("en", "fa"), ("fa", "en")]:
        argos.install_file(settings, build_package(archives, source, target, seed=len(source + target)))
    return packages


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate a fresh schema once; returns the URL tests copy (SQLite) or truncate (PostgreSQL)."""
    url = os.environ.get("TARJAMA_TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    from service.migrate import upgrade

    upgrade(Settings(database_url=url, data_dir=tmp_path_factory.mktemp("migrate")))
    return url


def fresh_database(database_url: str, directory: Path) -> str:
    if database_url.startswith("sqlite"):
        copy = directory / "tarjama.db"
        shutil.copy(database_url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    engine = create_engine(database_url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return database_url


def start_worker(env: dict[str, str], log_path: Path, *options: str) -> subprocess.Popen:
    """A real `celery -A workers worker` process (solo pool, `options` added), returned once it is ready."""
    command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "--pool", "solo", "--loglevel", "INFO"]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [*command, *options], env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        assert worker.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "worker did not start:\n" + log_path.read_text()
        time.sleep(0.2)
    return worker


def start_run(directory: Path, port: int) -> subprocess.Popen:
    """`tarjama run` as an operator starts it: its own SQLite database and Redis under `directory`,
    in a new process session (so a test can signal the whole group), its output in directory/run.log."""
    env = {**os.environ, "TARJAMA_DATA_DIR": str(directory / "data"), "TARJAMA_SECRET_KEY": "x"}
    env.pop("TARJAMA_REDIS_URL", None)  # so it starts its own Redis
    env.pop("TARJAMA_DATABASE_URL", None)
    with open(directory / "run.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def make_env(database_url: str, data_dir: Path, redis_url: str, argos_dir: Path) -> dict[str, str]:
    """The environment a test configures Tarjama with (also handed to worker processes)."""
    return {
        "TARJAMA_DATA_DIR": str(data_dir),
        "TARJAMA_DATABASE_URL": database_url,
        "TARJAMA_REDIS_URL": redis_url,
        "TARJAMA_ARGOS_PACKAGES_DIR": str(argos_dir),
        "TARJAMA_MT_ENGINES": "en-es=apertium,es-en=apertium,en-fr=apertium,*=argos",
        "TARJAMA_SECRET_KEY": "test-secret",
        "TARJAMA_MT_BEAM_SIZE": "1",
    }


@pytest.fixture
def settings(tmp_path, database_url, redis_server, argos_dir) -> Settings:
    url = fresh_database(database_url, tmp_path)
    return load_settings(make_env(url, tmp_path / "data", f"{redis_server}/1", argos_dir))


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def app(settings):
    from service.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def engine_calls(monkeypatch) -> list[list[str]]:
    """Every batch the real Apertium engine receives, as the pipeline sends it (spans protected)."""
    from workers.mt import apertium

    calls: list[list[str]] = []
    real = apertium.translate_scored

    def spy(texts, source, target, settings):
        calls.append(list(texts))
        return real(texts, source, target, settings)

    monkeypatch.setattr(apertium, "translate_scored", spy)
    return calls


@pytest.fixture
def people(sessions, settings) -> factories.People:
    """An admin, an editor, a Spanish/French translator and a Persian/German translator, with tokens."""
    return factories.make_people(sessions, settings)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, one per browser-test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
