"""The whole way on real parts: API -> Redis -> a Celery worker process -> MT -> review -> reader page."""

from __future__ import annotations

import time

import pytest
import redis

from service.app import create_app
from service.db import make_engine, make_session_factory, session_scope
from service.models import Translation, utcnow
from service.settings import load_settings
from tests import factories
from tests.conftest import fresh_database, make_env, start_worker

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory, database_url, redis_server, argos_dir):
    """A real `celery -A workers worker` process on its own Redis database."""
    workdir = tmp_path_factory.mktemp("pipeline")
    env = make_env(fresh_database(database_url, workdir), workdir / "data", f"{redis_server}/2", argos_dir)
    redis.Redis.from_url(env["TARJAMA_REDIS_URL"]).flushdb()
    log_path = workdir / "worker.log"
    worker = start_worker(env, log_path)
    settings = load_settings(env)
    sessions = make_session_factory(make_engine(settings))
    yield settings, sessions, factories.make_people(sessions, settings), log_path
    worker.terminate()
    worker.wait(timeout=30)


@pytest.fixture(scope="module")
def client(stack):
    return create_app(stack[0]).test_client()


def wait_for_state(client, person, post_id: int, locale: str, state: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        post = client.get(f"/api/v1/posts/{post_id}", headers=person.auth).get_json()
        current = next(t for t in post["translations"] if t["locale"] == locale)
        if current["state"] == state:
            return current
        assert current["state"] not in {"failed"} or state == "failed", current
        assert time.monotonic() < deadline, f"{locale} still {current['state']} after {timeout} s"
        time.sleep(0.2)


def test_spanish_post_travels_from_intake_to_reader_page(stack, client):
    _settings, _sessions, people, _log = stack
    post = factories.submit(client, people.editor, target_locales=["es", "fr"]).get_json()
    es = wait_for_state(client, people.maria, post["id"], "es", "awaiting_review")
    french = wait_for_state(client, people.maria, post["id"], "fr", "awaiting_review")
    draft = client.get(es["url"], headers=people.maria.auth).get_json()
    assert draft["segments"][0]["text"] == "La ciudad abre tres escuelas nuevas"
    assert client.get(french["url"], headers=people.maria.auth).get_json()["segments"][0]["text"].startswith("La ville")

    assert client.post(f"{es['url']}/claim", headers=people.maria.auth).status_code == 200
    edited = client.patch(
        f"{es['url']}/segments/2",
        headers=people.maria.auth,
        json={"text": "El consejo aprobó el plan el martes.", "version": 1},
    )
    assert edited.status_code == 200
    approved = client.post(f"{es['url']}/approve", headers=people.maria.auth).get_json()
    assert approved["state"] == "published"

    page = client.get(approved["page"]).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "La ciudad abre tres escuelas nuevas" in page
    assert "El consejo aprobó el plan el martes." in page
    assert "23 de noviembre de 2026" in page
    assert '<a href="https://example.org/plan" rel="noopener">' in page


def test_argos_locale_is_drafted_in_one_batch_and_keeps_links_and_emphasis(stack, client):
    _settings, _sessions, people, log = stack
    post = factories.submit(client, people.editor, target_locales=["de"]).get_json()
    de = wait_for_state(client, people.dariush, post["id"], "de", "awaiting_review")
    draft = client.get(de["url"], headers=people.dariush.auth).get_json()
    assert draft["engine"] == "argos"
    drafted = [e for e in draft["history"] if e["action"] == "drafted"]
    assert len(drafted) == 1
    assert drafted[0]["detail"].startswith(f"{post['segments']} segments machine-translated by argos in one batch call")
    assert all(s["origin"] == "mt" and s["text"] for s in draft["segments"])

    client.post(f"{de['url']}/claim", headers=people.dariush.auth)
    page_url = client.post(f"{de['url']}/approve", headers=people.dariush.auth).get_json()["page"]
    page = client.get(page_url).get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in page and "23. November 2026" in page
    assert page.count('<a href="https://example.org/plan" rel="noopener">') == 1
    assert "<em>" in page and "</em>" in page
    assert "succeeded" in log.read_text()


def test_sweep_requeues_work_whose_message_was_lost(stack, client):
    settings, sessions, people, _log = stack
    from service import accounts, intake

    with session_scope(sessions) as session:  # stored, but never queued (as if Redis had been down)
        editor = accounts.find_user(session, "editor")
        post, _ = intake.submit_post(
            session, editor, factories.story(title="Lost message", target_locales=["es"]), settings
        )
        post.translations[0].state_changed_at = utcnow().replace(year=2020)
        session.commit()
        post_id = post.id
    from workers.celery import SWEEP_TASK, make_celery

    make_celery(settings).send_task(SWEEP_TASK)
    wait_for_state(client, people.maria, post_id, "es", "awaiting_review")
    with session_scope(sessions) as session:
        events = [e.action for e in session.query(Translation).filter_by(post_id=post_id).one().events]
    assert events == ["queued", "requeued", "drafted"]
