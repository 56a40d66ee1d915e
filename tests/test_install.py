"""A plain `pip install .` into a fresh virtualenv gives a worker that translates with Argos.

No setup script, no --no-deps, no torch: what an operator gets from the package's declared
dependencies alone. The worker runs from that virtualenv, outside the source tree, so it can
only import the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import redis

from service.app import create_app
from service.settings import load_settings
from tests import factories
from tests.conftest import ROOT, fresh_database, make_env

pytestmark = pytest.mark.integration
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".tools",
    "test-artifacts",
)
HEAVY = {"torch", "stanza", "spacy", "argostranslate"}  # argostranslate: the torch-pulling build of the module


def test_pip_install_alone_gives_a_worker_that_drafts_with_argos(tmp_path, database_url, redis_server, argos_dir):
    source, venv = tmp_path / "source", tmp_path / "venv"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "."], cwd=source, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    names = {p["name"].lower() for p in json.loads(_run(python, ["-m", "pip", "list", "--format=json"], env, tmp_path))}
    assert "argos-translate-lt" in names and not names & HEAVY, sorted(names & HEAVY)
    assert str(venv) in _run(python, ["-c", "import workers.mt.argos as m; print(m.__file__)"], env, tmp_path)

    settings = load_settings(
        make_env(fresh_database(database_url, tmp_path), tmp_path / "data", f"{redis_server}/3", argos_dir)
    )
    redis.Redis.from_url(settings.effective_redis_url).flushdb()
    worker_env = {**env, **make_env(settings.effective_database_url, settings.data_dir, settings.redis_url, argos_dir)}
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [str(venv / "bin" / "celery"), "-A", "workers", "worker", "--pool", "solo", "--loglevel", "INFO"],
            cwd=tmp_path,  # not the source tree: only the installed package can be imported
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        client = create_app(settings).test_client()
        people = factories.make_people(client.application.extensions["tarjama.sessions"], settings)
        post = factories.submit(client, people.editor, target_locales=["de"]).get_json()
        deadline = time.monotonic() + 120
        while True:
            state = client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json()
            german = state["translations"][0]
            if german["state"] not in {"queued", "translating"}:
                break
            assert worker.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.3)
        assert german["state"] == "awaiting_review", log_path.read_text()[-3000:]
        draft = client.get(german["url"], headers=people.dariush.auth).get_json()
        assert draft["engine"] == "argos" and all(s["text"] for s in draft["segments"])
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _run(python, args: list[str], env: dict[str, str], cwd) -> str:
    result = subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
