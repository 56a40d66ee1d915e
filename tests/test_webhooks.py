"""Webhooks on real parts: events go to an outbox, a real Celery worker (with beat) POSTs them,
signed, to local HTTP receivers; a failing receiver is tried again until it answers."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from service.app import create_app
from service.db import make_engine, make_session_factory, session_scope
from service.models import WebhookDelivery
from service.settings import load_settings
from tests import factories
from tests.conftest import fresh_database, make_env, start_worker

pytestmark = pytest.mark.integration
SECRET = "correct-horse-battery-staple"


class Receiver:
    """A local HTTP endpoint that records what it gets; the first `failures` requests get a 500."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                failing = len(receiver.received) <= receiver.failures
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _headers, body in self.received]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, database_url, redis_server, argos_dir):
    """A real `celery -A workers worker -B` (beat inside: it drains the outbox every half second)."""
    workdir = tmp_path_factory.mktemp("webhooks")
    env = make_env(fresh_database(database_url, workdir), workdir / "data", f"{redis_server}/3", argos_dir)
    env.update({"TARJAMA_SIGNALS_INTERVAL": "0.5", "TARJAMA_WEBHOOK_BACKOFF": "0.5", "TARJAMA_WEBHOOK_ATTEMPTS": "5"})
    redis.Redis.from_url(env["TARJAMA_REDIS_URL"]).flushdb()
    log_path = workdir / "worker.log"
    worker = start_worker(env, log_path, "-B", "--schedule", str(workdir / "beat-schedule"))
    settings = load_settings(env)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    yield settings, sessions, factories.make_people(sessions, settings), log_path
    worker.terminate()
    worker.wait(timeout=30)
    engine.dispose()


def wait_for(condition, what: str, log_path, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s:\n{log_path.read_text()[-3000:]}"
        time.sleep(0.2)


def _all_delivered(sessions) -> bool:
    with session_scope(sessions) as session:
        return {d.state for d in session.query(WebhookDelivery)} == {"delivered"}


def test_events_are_delivered_signed_and_a_failing_receiver_is_retried(stack):
    settings, sessions, people, log_path = stack
    steady, flaky = Receiver(), Receiver(failures=2)
    app = create_app(settings)
    client = app.test_client()
    factories.sign_in(client, "admin")
    token = factories.page_token(client, "/admin/webhooks")
    every = ["post.submitted", "translation.drafted", "translation.approved", "translation.published"]
    every.append("translation.failed")
    client.post("/admin/webhooks", data={"csrf_token": token, "url": steady.url, "secret": SECRET, "events": every})
    client.post(
        "/admin/webhooks", data={"csrf_token": token, "url": flaky.url, "secret": SECRET, "events": ["post.submitted"]}
    )

    post = factories.submit(client, people.editor, target_locales=["es", "ar"]).get_json()
    es = next(t["id"] for t in post["translations"] if t["locale"] == "es")
    wait_for(lambda: "translation.drafted" in steady.events(), "the es draft's webhook", log_path)
    assert client.post(f"/api/v1/translations/{es}/claim", headers=people.maria.auth).status_code == 200
    assert client.post(f"/api/v1/translations/{es}/approve", headers=people.maria.auth).status_code == 200
    wait_for(lambda: "translation.published" in steady.events(), "the publication's webhook", log_path)
    wait_for(lambda: len(flaky.received) == 3, "two retries of the failing receiver", log_path)
    wait_for(lambda: _all_delivered(sessions), "the worker logging the last answer", log_path)

    assert sorted(steady.events()) == sorted(every)  # ar has no model: translation.failed
    for headers, body in steady.received + flaky.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Tarjama-Signature"], expected)
    bodies = {json.loads(body)["event"]: json.loads(body) for _h, body in steady.received}
    assert bodies["post.submitted"]["post"]["id"] == post["id"]
    assert bodies["translation.published"]["translation"]["url"] == f"/es/posts/{post['slug']}"
    assert bodies["translation.failed"]["translation"]["locale"] == "ar"
    assert "no Argos package installed for en->ar" in bodies["translation.failed"]["error"]
    assert len({body for _h, body in flaky.received}) == 1  # the same signed body each time

    with session_scope(sessions) as session:
        retried = session.query(WebhookDelivery).filter_by(event="post.submitted").all()
        log = {d.webhook.url: [a.status_code for a in d.log] for d in retried}
        assert {d.state for d in retried} == {"delivered"}
    assert log == {steady.url: [204], flaky.url: [500, 500, 204]}
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert page.count("HTTP 500") == 2 and "delivered" in page
    steady.server.shutdown()
    flaky.server.shutdown()
