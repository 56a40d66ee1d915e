"""/metrics: who may read it, and the numbers read from the database at scrape time.

Counters moving across real processes (gunicorn workers, a Celery worker) are tested in
test_operations.py; these run in one process through the test client.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.settings import load_settings
from tests import factories
from tests.conftest import make_env

REMOTE = {"REMOTE_ADDR": "203.0.113.9"}


def samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_without_a_metrics_token_only_loopback_and_admins_may_read(client, people):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    refused = client.get("/metrics", environ_base=REMOTE)
    assert refused.status_code == 401 and refused.get_json()["error"]["field"] == "Authorization"
    assert client.get("/metrics", environ_base=REMOTE, headers=people.editor.auth).status_code == 403
    assert client.get("/metrics", environ_base=REMOTE, headers={"Authorization": "Bearer nope"}).status_code == 401
    samples(client.get("/metrics", environ_base=REMOTE, headers=people.admin.auth))


@pytest.fixture
def token_client(settings, people):
    return create_app(settings.with_(metrics_token="s3cret-scrape-token")).test_client()


def test_a_metrics_token_is_then_the_only_way_in(token_client, people):
    assert token_client.get("/metrics").status_code == 401  # not even from loopback
    assert token_client.get("/metrics", headers=people.admin.auth).status_code == 401
    assert token_client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-tokeN"}).status_code == 401
    samples(token_client.get("/metrics", environ_base=REMOTE, headers={"Authorization": "Bearer s3cret-scrape-token"}))


def test_queue_depth_per_pair_and_states_are_read_from_the_database(client, people):
    before = samples(client.get("/metrics"))
    assert factories.submit(client, people.editor, target_locales=["es", "fa"]).status_code == 201
    after = samples(client.get("/metrics"))  # no worker listens in these tests: both wait
    assert value(after, "tarjama_queue_depth", source="en", target="es", engine="apertium") == 1
    assert value(after, "tarjama_queue_depth", source="en", target="fa", engine="argos") == 1
    assert value(after, "tarjama_queue_oldest_seconds", source="en", target="fa", engine="argos") >= 0
    assert value(after, "tarjama_translations", locale="es", state="queued") == 1
    assert value(after, "tarjama_translation_events_total", action="queued") == (
        value(before, "tarjama_translation_events_total", action="queued") + 2
    )

    def waiting(found):
        return sum(v for (name, _), v in found.items() if name == "tarjama_broker_queue_messages")

    assert waiting(after) == waiting(before) + 2  # the two messages, in whichever queue they went


def test_reader_page_cache_hits_and_misses_are_counted(client, people):
    factories.submit(client, people.editor, target_locales=["es"])
    before = samples(client.get("/metrics"))
    assert client.get("/en/").status_code == 200
    assert client.get("/en/").status_code == 200
    after = samples(client.get("/metrics"))
    for result in ("miss", "hit"):
        assert value(after, "tarjama_page_cache_requests_total", result=result) == (
            value(before, "tarjama_page_cache_requests_total", result=result) + 1
        )
    route = {"method": "GET", "route": "/<locale>/", "status": "200"}
    assert value(after, "tarjama_http_request_duration_seconds_count", **route) == (
        value(before, "tarjama_http_request_duration_seconds_count", **route) + 2
    )


def test_metrics_report_a_stopped_redis_instead_of_failing(tmp_path, settings, people):
    gone = create_app(load_settings(make_env(settings.database_url, tmp_path / "d", "redis://127.0.0.1:9/0", tmp_path)))
    found = samples(gone.test_client().get("/metrics"))
    assert value(found, "tarjama_up", component="redis") == 0
    assert value(found, "tarjama_up", component="database") == 1


def test_a_new_stack_forgets_ended_processes_but_not_running_ones(tmp_path, settings, monkeypatch):
    from service import metrics

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = metrics._host()
    directory = tmp_path / "metrics"
    directory.mkdir()
    files = {
        "ended": directory / f"counter_{host}-{ended.stdout.strip()}.db",
        "running": directory / f"histogram_{host}-{os.getpid()}.db",
        "other host": directory / f"counter_elsewhere-{ended.stdout.strip()}.db",
    }
    for path in files.values():
        path.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    assert metrics.forget_dead_processes(settings) == 1
    assert sorted(p.name for p in directory.iterdir()) == sorted(files[k].name for k in ("running", "other host"))
