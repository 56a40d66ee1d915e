"""Embargoes are lifted by the real beat and worker processes, not only by the function they call.

Reader pages are cached until a generation changes (service/cache.py); the clock alone cannot change
one. So a home page cached before a story's time keeps leaving the story out after its time until
the beat's task runs: the test shows that first, then starts the beat and a worker and waits for it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from service.app import create_app
from service.db import make_engine, make_session_factory
from service.settings import load_settings
from tests import factories
from tests.conftest import fresh_database, make_env
from tests.test_recovery import Processes, Redis, wait_until

pytestmark = pytest.mark.integration


def test_the_beat_lifts_an_embargo_and_cached_pages_list_the_story_within_seconds(tmp_path, database_url, argos_dir):
    redis = Redis(tmp_path)
    redis.start()
    env = make_env(
        fresh_database(database_url, tmp_path), tmp_path / "data", f"redis://127.0.0.1:{redis.port}/0", argos_dir
    ) | {"TARJAMA_EMBARGO_INTERVAL": "1"}
    processes = Processes(env, tmp_path)
    try:
        settings = load_settings(env)
        people = factories.make_people(make_session_factory(make_engine(settings)), settings)
        client = create_app(settings.with_(page_cache_recheck=0.0)).test_client()
        moment = datetime.now(UTC) + timedelta(seconds=3)
        post = factories.submit(client, people.editor, target_locales=["es"], published_at=moment.isoformat())
        link = f"/posts/{post.get_json()['slug']}"

        def listed() -> bool:
            return link in client.get("/en/").get_data(as_text=True)

        assert not listed()  # embargoed, and the home page is now cached without it
        time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.5)
        assert client.get(f"/en{link}").status_code == 200  # its own page goes by the clock
        assert not listed()  # the cached home page does not, until the beat lifts the embargo

        processes.start_worker()
        processes.start_beat()
        waited = wait_until(listed, 30, "the home page listing the story")
        print(f"\nlisted on the cached home page {waited:.1f} s after the beat and worker started")
    finally:
        processes.stop_all()
        redis.kill()
