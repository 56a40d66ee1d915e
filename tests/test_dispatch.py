"""Queueing a post's translations: one Redis round trip for all of them, and never a lost post."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import redis

from service import routing
from service.app import create_app
from tests.conftest import free_port, wait_for_port
from tests.factories import submit

TARGETS = ["ar", "de", "es", "fa", "fr"]


@pytest.fixture
def quiet_redis(tmp_path):
    """A Redis server of its own, so that its statistics count this test's commands only."""
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--dir", str(tmp_path), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield redis.Redis(port=port)
    process.terminate()
    process.wait(timeout=10)


def test_all_of_a_posts_translation_tasks_go_to_redis_in_one_round_trip(settings, people, quiet_redis):
    port = quiet_redis.connection_pool.connection_kwargs["port"]
    client = create_app(settings.with_(redis_url=f"redis://127.0.0.1:{port}/0")).test_client()
    assert submit(client, people.editor, title="First", target_locales=TARGETS).status_code == 201  # connects
    pushes = quiet_redis.info("commandstats")["cmdstat_lpush"]["calls"]
    reads = quiet_redis.info("stats")["total_reads_processed"]  # counts itself: Redis counts a read, then runs it

    assert submit(client, people.editor, title="Second", target_locales=TARGETS).status_code == 201

    # Redis read one request from the app (a pipeline of five pushes), plus this INFO.
    assert quiet_redis.info("stats")["total_reads_processed"] - reads == 2
    assert quiet_redis.info("commandstats")["cmdstat_lpush"]["calls"] - pushes == len(TARGETS)
    queues = [routing.queue_for(settings, "en", target) for target in TARGETS]  # one queue per pair
    assert [quiet_redis.llen(queue) for queue in queues] == [2] * len(TARGETS)


def test_a_post_is_stored_and_answered_when_redis_is_down(settings, people):
    client = create_app(settings.with_(redis_url=f"redis://127.0.0.1:{free_port()}/0")).test_client()
    response = submit(client, people.editor, target_locales=["es", "fa"])
    assert response.status_code == 201
    post = client.get(response.headers["Location"], headers=people.editor.auth).get_json()
    assert [(t["locale"], t["state"]) for t in post["translations"]] == [("es", "queued"), ("fa", "queued")]
