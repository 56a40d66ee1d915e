"""The real app over a private redis-server and a migrated database, with one editor's API token:
what the request benchmarks (corrections.py, large_post.py) start before they time anything.

Data goes to a temporary directory under /work/benchdata when it exists (else the system's)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker

from service import accounts
from service.app import create_app
from service.db import make_engine, make_session_factory
from service.migrate import upgrade
from service.settings import Settings, load_settings
from tests.conftest import free_port, wait_for_port


@dataclass
class Stack:
    settings: Settings
    sessions: sessionmaker
    client: FlaskClient
    headers: dict[str, str]  # the editor's Authorization header


@contextmanager
def api_stack(name: str, database_url: str, env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Start it all (`database_url` empty: SQLite in the temporary directory); stop and remove it after."""
    base = Path("/work/benchdata") if Path("/work/benchdata").is_dir() else None
    workdir = Path(tempfile.mkdtemp(prefix=f"tarjama-{name}-", dir=base))
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    try:
        wait_for_port(port)
        settings = load_settings(
            {
                "TARJAMA_DATA_DIR": str(workdir),
                "TARJAMA_DATABASE_URL": database_url,
                "TARJAMA_SECRET_KEY": "bench",
                "TARJAMA_REDIS_URL": f"redis://127.0.0.1:{port}/0",
                **(env or {}),
            }
        )
        upgrade(settings)
        engine = make_engine(settings)
        try:
            sessions = make_session_factory(engine)
            with sessions() as session:
                user = accounts.create_user(session, "bench", "editor", "bench-password")
                token = accounts.create_token(session, user)
                session.commit()
            client = create_app(settings).test_client()
            yield Stack(settings, sessions, client, {"Authorization": f"Bearer {token}"})
        finally:
            engine.dispose()
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
