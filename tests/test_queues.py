"""One queue per engine and language pair: Apertium drafts never wait behind neural MT.

The routing is checked in Redis itself (which list a task lands in, also when the sweep
queues lost work again); the promise is checked with the real worker processes `tarjama run`
starts, the Argos one frozen (SIGSTOP) in the middle of a long draft.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from sqlalchemy import update

from service import dispatch, routing
from service.app import create_app
from service.models import Translation, utcnow
from service.settings import SettingsError, load_settings
from service.stack import worker_commands
from tests.conftest import ROOT, make_env
from tests.factories import story, submit
from workers.drafting import find_stuck
from workers.mt.synthetic import SAMPLE_TEXT


def test_worker_queues_choose_engines_pairs_or_everything(settings):
    argos = routing.worker_queues(settings.with_(worker_queues=("argos",)))
    assert "translate.argos.en-de" in argos and "translate.argos.de-en" in argos
    assert not any(".apertium." in name for name in argos) and "tarjama.sweep" not in argos
    apertium = routing.worker_queues(settings.with_(worker_queues=("apertium", "upkeep")))
    assert {"translate.apertium.en-es", "translate.apertium.en-fr", "tarjama.sweep", "celery"} <= set(apertium)
    assert not any(".argos." in name for name in apertium)
    assert routing.worker_queues(settings.with_(worker_queues=("en-de", "fa-en"))) == [
        "translate.argos.en-de",
        "translate.argos.fa-en",
    ]
    assert routing.worker_queues(settings) == routing.all_queues(settings)  # unset: everything
    with pytest.raises(SettingsError, match="TARJAMA_WORKER_QUEUES: 'en-xx' names no queue"):
        routing.worker_queues(settings.with_(worker_queues=("en-xx",)))


def lengths(client: redis.Redis, *queues: str) -> list[int]:
    return [client.llen(queue) for queue in queues]


def test_each_translation_goes_to_its_pairs_queue_also_when_the_sweep_requeues_it(client, people, sessions, settings):
    broker = redis.Redis.from_url(settings.effective_redis_url)
    queues = ("translate.apertium.en-es", "translate.argos.en-de", "translate.argos.es-de", "celery")
    before = lengths(broker, *queues)
    post = submit(client, people.editor, target_locales=["es", "de"]).get_json()
    spanish = submit(client, people.editor, source_locale="es", target_locales=["de"]).get_json()
    assert [a - b for a, b in zip(lengths(broker, *queues), before, strict=True)] == [1, 1, 1, 0]

    long_ago = utcnow() - timedelta(seconds=settings.stuck_after_seconds + 60)
    with sessions() as session:  # Redis lost the messages: the sweep finds the rows and queues them again
        session.execute(update(Translation).values(state_changed_at=long_ago))
        session.commit()
    stuck = find_stuck(sessions, settings, queue_is_empty=lambda source, locale: (source, locale) != ("en", "es"))
    assert sorted(stuck) == [(post["id"], "de", "en"), (spanish["id"], "de", "es")]  # en-es still has messages
    before = lengths(broker, *queues)
    assert dispatch.enqueue_translations(settings, stuck) == 2
    assert [a - b for a, b in zip(lengths(broker, *queues), before, strict=True)] == [0, 1, 1, 0]


def long_story(n: int) -> dict:
    sentences = SAMPLE_TEXT.split("\n")[:-1]
    body = "\n\n".join(f"{sentences[(n + i) % len(sentences)]} Paragraph {i}." for i in range(40))
    return story(title=f"Long story {n}", format="text", body=body, target_locales=["de"])


def state(sessions, tid: int) -> str:
    with sessions() as session:
        return session.get(Translation, tid).state


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.05)


@pytest.fixture
def workers(tmp_path, settings):
    """The workers `tarjama run` starts, on this test's database and Redis (database 3)."""
    env = {
        **os.environ,
        **make_env(settings.database_url, settings.data_dir, f"{settings.redis_url.rsplit('/', 1)[0]}/3", None),
        "TARJAMA_ARGOS_PACKAGES_DIR": str(settings.effective_argos_dir),
    }
    redis.Redis.from_url(env["TARJAMA_REDIS_URL"]).flushdb()
    commands = worker_commands(load_settings(env), [sys.executable, "-m", "celery", "-A", "workers"])
    started: dict[str, subprocess.Popen] = {}
    for name, (command, extra) in commands.items():
        with open(tmp_path / f"{name}.log", "wb") as log:
            started[name] = subprocess.Popen(
                command, env={**env, **extra}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
    yield load_settings(env), started
    for process in started.values():
        os.killpg(process.pid, signal.SIGCONT)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_a_spanish_draft_is_done_while_the_argos_worker_is_stuck_in_a_long_draft(people, sessions, workers):
    worker_settings, started = workers
    assert set(started) == {"worker-apertium", "worker-argos"}
    app = create_app(worker_settings)  # queues into the workers' Redis
    frozen_while_drafting_then_spanish_done(app.test_client(), people, sessions, started["worker-argos"].pid)


def frozen_while_drafting_then_spanish_done(api, people, sessions, argos_group: int) -> None:
    for n in range(5):  # until the Argos worker is frozen while it drafts (not just after it finished)
        german = api.post("/api/v1/posts", json=long_story(n), headers=people.editor.auth).get_json()
        busy = german["translations"][0]["id"]
        wait_until(lambda tid=busy: state(sessions, tid) == "translating", 120, "the Argos worker starting a draft")
        os.killpg(argos_group, signal.SIGSTOP)
        if state(sessions, busy) == "translating":
            break
        os.killpg(argos_group, signal.SIGCONT)
    assert state(sessions, busy) == "translating"
    with sessions() as session:  # drafted by the Argos worker's pool process (owner: host:pid:attempt)
        owner = session.get(Translation, busy).lease_owner
    assert os.getpgid(int(owner.split(":")[1])) == argos_group

    spanish = submit(api, people.editor, title="Quick one", target_locales=["es"]).get_json()
    quick = spanish["translations"][0]["id"]
    wait_until(lambda: state(sessions, quick) == "awaiting_review", 90, "the Spanish draft (Apertium)")

    assert state(sessions, busy) == "translating"  # the neural draft is still stuck in its worker
    os.killpg(argos_group, signal.SIGCONT)
    wait_until(lambda: state(sessions, busy) == "awaiting_review", 120, "the German draft once its worker goes on")
