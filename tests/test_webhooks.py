"""Webhooks on real parts: events go to an outbox, a real Celery worker (with beat) POSTs them,
signed, to local HTTP receivers; a failing receiver is tried again until it answers. Deliveries
that ended long ago are pruned; pending ones never are."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from sqlalchemy import select

from service import webhooks
from service.app import create_app
from service.db import make_engine, make_session_factory, session_scope
from service.models import Webhook, WebhookAttempt, WebhookDelivery, utcnow
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

    with session_scope(sessions) as session:  # a database dump does not give the signing keys away
        assert all(hook.secret.startswith("sealed:") and SECRET not in hook.secret for hook in session.query(Webhook))

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


def _outbox(session, url: str, rows: dict[str, tuple[str, float, float]]) -> dict[str, int]:
    """Deliveries named by `rows`: name -> (state, days since created, days since it ended or is due)."""
    hook = Webhook(url=url, secret=SECRET, events=["post.submitted"])
    session.add(hook)
    now, made = utcnow(), {}
    for name, (state, created, ended) in rows.items():
        delivery = WebhookDelivery(
            webhook=hook,
            event="post.submitted",
            body=json.dumps({"name": name}),
            state=state,
            attempts=1,
            created_at=now - timedelta(days=created),
            next_attempt_at=now - timedelta(days=ended),
        )
        delivery.log.append(WebhookAttempt(at=now - timedelta(days=ended), status_code=204))
        session.add(delivery)
        session.flush()
        made[name] = delivery.id
    session.commit()
    return made


def _left(sessions, ids: dict[str, int]) -> set[str]:
    with session_scope(sessions) as session:
        kept = set(session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.id.in_(ids.values()))))
        logged = set(session.scalars(select(WebhookAttempt.delivery_id)))
    assert kept == logged & set(ids.values())  # no attempt outlives its delivery
    return {name for name, delivery_id in ids.items() if delivery_id in kept}


def test_ended_deliveries_are_pruned_after_the_kept_days_and_pending_ones_never(
    client, people, sessions, settings, monkeypatch
):
    from service import webhooks

    rows = {f"old delivered {n}": ("delivered", 41, 40) for n in range(5)}
    rows |= {
        "old failed": ("failed", 31, 31),
        "old pending": ("pending", 60, 60),  # a receiver down for months: still owed, never deleted
        "old pending waiting": ("pending", 60, -1),
        "recent delivered": ("delivered", 2, 2),
        "recent failed": ("failed", 1, 1),
        "ended lately after a long wait": ("delivered", 45, 29),
    }
    with session_scope(sessions) as session:
        ids = _outbox(session, "http://127.0.0.1:9/hook", rows)
    monkeypatch.setattr(webhooks, "PRUNE_BATCH", 2)  # several batches in one run

    assert webhooks.prune(sessions, settings.with_(webhook_keep_days=0)) == 0  # 0: keep everything
    assert webhooks.prune(sessions, settings) == 6
    kept = {"old pending", "old pending waiting", "recent delivered", "recent failed", "ended lately after a long wait"}
    assert _left(sessions, ids) == kept
    assert webhooks.prune(sessions, settings.with_(webhook_keep_days=10)) == 1  # configurable
    assert _left(sessions, ids) == kept - {"ended lately after a long wait"}

    factories.sign_in(client, "admin")
    page = client.get("/admin/webhooks").get_data(as_text=True)
    for name in kept - {"ended lately after a long wait"}:
        assert f'data-delivery="{ids[name]}"' in page
    assert f'data-delivery="{ids["old failed"]}"' not in page


def test_the_worker_prunes_old_deliveries_on_its_signals_run(stack):
    settings, sessions, _people, log_path = stack
    with session_scope(sessions) as session:
        ids = _outbox(
            session,
            "http://127.0.0.1:9/hook",
            {"old delivered": ("delivered", 40, 40), "old pending": ("pending", 40, -1), "fresh": ("delivered", 0, 0)},
        )
    wait_for(lambda: _left(sessions, ids) == {"old pending", "fresh"}, "pruning by the signals task", log_path)


def test_a_secret_stored_in_the_clear_is_sealed_on_use_and_a_changed_server_key_is_reported(sessions, settings):
    receiver = Receiver()
    with session_scope(sessions) as session:  # as stored before secrets were sealed
        session.add(Webhook(url=receiver.url, secret=SECRET, events=["post.submitted"]))
        session.flush()
        webhooks.queue_event(session, "post.submitted", {"post": {"id": 1}})
        session.commit()
    assert webhooks.deliver_due(sessions, settings) == 1
    ((headers, body),) = receiver.received
    assert headers["X-Tarjama-Signature"] == webhooks.sign(SECRET, body)
    with session_scope(sessions) as session:
        assert session.query(Webhook).one().secret.startswith("sealed:")

    with session_scope(sessions) as session:
        webhooks.queue_event(session, "post.submitted", {"post": {"id": 2}})
        session.commit()
    assert webhooks.deliver_due(sessions, settings.with_(secret_key="another-server-key")) == 0
    assert len(receiver.received) == 1  # nothing is sent unsigned or signed with a wrong key
    with session_scope(sessions) as session:
        attempt = session.query(WebhookAttempt).order_by(WebhookAttempt.id.desc()).first()
        assert "TARJAMA_SECRET_KEY" in attempt.error and "add it again" in attempt.error
    receiver.server.shutdown()
