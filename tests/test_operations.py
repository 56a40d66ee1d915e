"""Operating the real stack: gunicorn (two web workers), a Celery worker process and Redis.

/readyz with a worker heartbeat, /metrics that adds up every process's numbers, JSON log lines
that carry the request id from the web request into the worker, and /readyz when Redis stops.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from service.cli import main
from service.db import make_engine, make_session_factory
from service.settings import load_settings
from tests import factories
from tests.conftest import ROOT, free_port, fresh_database, make_env, wait_for_port

pytestmark = pytest.mark.integration


@dataclass
class Stack:
    env: dict[str, str]
    base: str
    people: factories.People
    redis: subprocess.Popen
    web_log: Path
    worker_log: Path


def start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_until(condition, what: str, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} after {timeout} s:\n{log_path.read_text()[-3000:]}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, database_url, argos_dir):
    workdir = tmp_path_factory.mktemp("operations")
    redis_port, web_port = free_port(), free_port()
    redis = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(redis_port)
    env = make_env(
        fresh_database(database_url, workdir), workdir / "data", f"redis://127.0.0.1:{redis_port}/0", argos_dir
    )
    env.update(TARJAMA_LOG_FORMAT="json", TARJAMA_WORKER_HEARTBEAT="1", TARJAMA_WORKER_STALE_AFTER="60")
    worker_log, web_log = workdir / "worker.log", workdir / "web.log"
    python = sys.executable
    worker = start(
        [python, "-m", "celery", "-A", "workers", "--quiet", "worker", "--pool", "solo", "--loglevel", "INFO"],
        env,
        worker_log,
    )
    web = start(
        [python, "-m", "gunicorn", "-c", "python:service.gunicorn_conf", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{web_port}", "service.app:create_app()"],
        env,
        web_log,
    )
    try:
        wait_until(lambda: b"ready." in worker_log.read_bytes(), "the worker did not start", worker_log)
        wait_for_port(web_port, timeout=60)
        settings = load_settings(env)
        engine = make_engine(settings)
        people = factories.make_people(make_session_factory(engine), settings)
        engine.dispose()
        yield Stack(env, f"http://127.0.0.1:{web_port}", people, redis, web_log, worker_log)
    finally:
        for process in (web, worker, redis):
            process.terminate()
        for process in (web, worker, redis):
            process.wait(timeout=30)


def call(stack: Stack, path: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    request = urllib.request.Request(
        stack.base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(stack: Stack) -> dict[tuple[str, tuple], float]:
    status, body = call(stack, "/metrics")  # from loopback: allowed without a token
    assert status == 200, body
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: dict, name: str, **labels: str) -> float:
    """Sum over every series of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, series), v in samples.items() if n == name and wanted <= set(series))


def test_readyz_is_ready_once_a_worker_has_reported(stack):
    wait_until(lambda: call(stack, "/readyz")[0] == 200, "/readyz never became ready", stack.worker_log, 30)
    body = json.loads(call(stack, "/readyz")[1])
    assert body["status"] == "ready" and body["down"] == []
    assert {name for name, check in body["checks"].items() if check["ok"]} == {"database", "redis", "worker"}
    assert body["checks"]["worker"]["detail"].startswith("1 seen in the last 60 s")


def test_metrics_add_up_every_process_and_move_when_a_post_is_drafted(stack):
    before = scrape(stack)
    headers = {**stack.people.editor.auth, "X-Request-ID": "ops-test-draft-1"}
    status, body = call(stack, "/api/v1/posts", "POST", factories.story(target_locales=["de"]), headers)
    assert status == 201, body
    post = json.loads(body)
    deadline = time.monotonic() + 90
    while True:
        current = json.loads(call(stack, f"/api/v1/posts/{post['id']}", headers=stack.people.editor.auth)[1])
        if current["translations"][0]["state"] == "awaiting_review":
            break
        assert time.monotonic() < deadline, current
        time.sleep(0.3)

    after = scrape(stack)  # drafted in the worker process, scraped from a web process
    drafted = value(after, "tarjama_translation_events_total", action="drafted")
    assert drafted == value(before, "tarjama_translation_events_total", action="drafted") + 1
    mt_before = value(before, "tarjama_mt_segments_total", engine="argos", source="en", target="de")
    assert value(after, "tarjama_mt_segments_total", engine="argos", source="en", target="de") >= (
        mt_before + post["segments"]
    )
    assert value(after, "tarjama_mt_seconds_total", engine="argos", source="en", target="de") > value(
        before, "tarjama_mt_seconds_total", engine="argos", source="en", target="de"
    )
    assert value(after, "tarjama_intake_to_draft_seconds_count", locale="de") == (
        value(before, "tarjama_intake_to_draft_seconds_count", locale="de") + 1
    )
    assert value(after, "tarjama_translations", locale="de", state="awaiting_review") == (
        value(before, "tarjama_translations", locale="de", state="awaiting_review") + 1
    )
    route = {"method": "POST", "route": "/api/v1/posts", "status": "201"}
    assert total(after, "tarjama_http_request_duration_seconds_count", **route) == (
        total(before, "tarjama_http_request_duration_seconds_count", **route) + 1
    )
    assert value(after, "tarjama_up", component="database") == value(after, "tarjama_up", component="redis") == 1
    assert any(name == "tarjama_worker_heartbeat_age_seconds" for name, _ in after)


def test_every_scrape_counts_the_requests_of_both_web_workers(stack):
    route = {"route": "/healthz"}
    start_count = total(scrape(stack), "tarjama_http_request_duration_seconds_count", **route)
    with ThreadPoolExecutor(max_workers=6) as pool:  # concurrent, so both gunicorn workers answer some
        statuses = list(pool.map(lambda _: call(stack, "/healthz")[0], range(30)))
    assert statuses == [200] * 30
    for _ in range(4):  # whichever worker answers the scrape, it reports all 30
        assert total(scrape(stack), "tarjama_http_request_duration_seconds_count", **route) == start_count + 30


def json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def test_json_logs_carry_the_request_id_post_and_locale_from_web_to_worker(stack):
    web = json_lines(stack.web_log)
    lines = [line for line in stack.web_log.read_text().splitlines() if line.strip()]
    assert len(web) == len(lines), "every line of the web process is a JSON object"
    request_line = next(e for e in web if e.get("request_id") == "ops-test-draft-1" and e["logger"] == "tarjama.http")
    post_id = request_line["post_id"]
    assert request_line["message"] == "POST /api/v1/posts 201" and request_line["process"] == "web"
    assert any(e["logger"].startswith("gunicorn") for e in web)

    worker = json_lines(stack.worker_log)
    drafted = next(e for e in worker if e.get("request_id") == "ops-test-draft-1" and e["logger"] == "workers.tasks")
    assert drafted["post_id"] == post_id and drafted["locale"] == "de" and drafted["process"] == "worker"
    assert drafted["message"] == "translation is now awaiting_review" and drafted["task_id"]


def test_readyz_names_redis_when_it_stops_and_check_says_so_too(stack):
    stack.redis.terminate()
    stack.redis.wait(timeout=30)
    status, body = call(stack, "/readyz")
    assert status == 503
    report = json.loads(body)
    assert report["status"] == "unavailable" and "redis" in report["down"]
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["redis"] == {"ok": False, "detail": "unreachable (ConnectionError)"}
    assert report["checks"]["worker"] == {"ok": False, "detail": "unknown: Redis is down"}
    assert call(stack, "/healthz")[0] == 200  # alive: restarting the web process would not help
    assert value(scrape(stack), "tarjama_up", component="redis") == 0

    checked = CliRunner().invoke(main, ["check"], env=stack.env)
    assert checked.exit_code == 1
    assert "FAIL  redis           unreachable (ConnectionError)" in checked.output
    assert "ok    database" in checked.output and "ok    schema" in checked.output
