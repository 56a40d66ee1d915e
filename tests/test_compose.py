"""docker-compose.yml is checked by Compose itself (no Docker engine is needed for `config`)."""

import shutil
import subprocess

import pytest
import yaml

from service import routing
from service.settings import load_settings
from tests.conftest import ROOT


def compose_command() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_accepts_the_file_and_it_has_the_whole_stack():
    command = compose_command()
    if command is None:
        pytest.fail("neither 'docker compose' nor 'docker-compose' is installed: apt-get install docker-compose")
    result = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == {"redis", "postgres", "web", "worker-apertium", "worker-argos", "beat"}
    served = {}
    for engine in ("apertium", "argos"):
        worker = config["services"][f"worker-{engine}"]
        assert worker["environment"]["TARJAMA_REDIS_URL"] == "redis://redis:6379/0"
        assert worker["command"][:3] == ["celery", "-A", "workers"]
        served[engine] = set(routing.worker_queues(load_settings(worker["environment"])))
    # between them the two workers serve every queue, and no translation queue twice
    translation = set(routing.translation_queues(load_settings(config["services"]["web"]["environment"])))
    assert served["apertium"] | served["argos"] == translation | set(routing.UPKEEP)
    assert served["apertium"] & served["argos"] == set()
    assert "translate.apertium.en-es" in served["apertium"] and "translate.argos.en-de" in served["argos"]
