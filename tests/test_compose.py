"""docker-compose.yml is checked by Compose itself (no Docker engine is needed for `config`)."""

import shutil
import subprocess

import pytest
import yaml

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
    assert set(config["services"]) == {"redis", "postgres", "web", "worker", "beat"}
    worker = config["services"]["worker"]
    assert worker["environment"]["TARJAMA_REDIS_URL"] == "redis://redis:6379/0"
    assert worker["command"][:3] == ["celery", "-A", "workers"]
