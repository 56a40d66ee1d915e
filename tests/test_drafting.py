"""The drafting step that the translate task runs: idempotent, failure-tolerant, swept when stuck."""

import threading
import time
from datetime import timedelta

from sqlalchemy import select, update

from service.models import State, TranslatedSegment, Translation, as_utc, utcnow
from tests.factories import submit
from workers import lease, mt
from workers.drafting import draft_translation, find_stuck


def rows(sessions, translation_id):
    with sessions() as session:
        return [
            (s.position, s.text, s.origin)
            for s in session.scalars(
                select(TranslatedSegment)
                .where(TranslatedSegment.translation_id == translation_id)
                .order_by(TranslatedSegment.position)
            )
        ]


def test_draft_stores_one_row_per_segment_and_running_twice_changes_nothing(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    tid = post["translations"][0]["id"]
    assert draft_translation(sessions, settings, post["id"], "es") == "awaiting_review"
    first = rows(sessions, tid)
    assert len(first) == post["segments"] and {origin for *_, origin in first} == {"mt"}
    assert draft_translation(sessions, settings, post["id"], "es") == "awaiting_review"
    assert rows(sessions, tid) == first


def test_a_rerun_after_a_crash_mid_translation_rewrites_the_same_rows(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    tid = post["translations"][0]["id"]
    draft_translation(sessions, settings, post["id"], "es")
    first = rows(sessions, tid)
    with sessions() as session:  # a worker died after storing drafts but before finishing
        session.execute(update(Translation).where(Translation.id == tid).values(state="translating"))
        session.commit()
    assert draft_translation(sessions, settings, post["id"], "es") == "awaiting_review"
    assert rows(sessions, tid) == first


def test_links_and_emphasis_survive_argos_nonsense(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["de"]).get_json()
    draft_translation(sessions, settings, post["id"], "de")
    with sessions() as session:
        translation = session.get(Translation, post["translations"][0]["id"])
        linked = next(s for s in translation.segments if "<g1>" in s.text)
        assert linked.text.count("<g1>") == linked.text.count("</g1>") == 1
        assert linked.text.count("<g2>") == linked.text.count("</g2>") == 1
        assert "markup_moved" in linked.warnings


def test_unknown_or_missing_translation_is_harmless(sessions, settings):
    assert draft_translation(sessions, settings, 424242, "es") == "missing"


def test_sweep_requeues_dead_workers_drafts_and_lost_messages_once(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es", "fr", "de"]).get_json()
    ids = {t["locale"]: t["id"] for t in post["translations"]}
    es, fr, de = ids["es"], ids["fr"], ids["de"]
    long_ago = utcnow() - timedelta(seconds=settings.stuck_after_seconds + 60)
    with sessions() as session:
        session.execute(update(Translation).where(Translation.id == es).values(state_changed_at=long_ago))
        for tid, owner in ((fr, "dead-worker"), (de, "live-worker")):
            assert lease.take(session, session.get(Translation, tid), owner, settings)
        session.execute(update(Translation).where(Translation.id == fr).values(lease_expires_at=long_ago))
        session.commit()
    # es is queued and old, but messages still wait in the broker: it may well be one of them
    assert find_stuck(sessions, settings, queue_is_empty=False) == [(post["id"], "fr", "en")]
    assert find_stuck(sessions, settings, queue_is_empty=True) == [(post["id"], "es", "en")]
    assert find_stuck(sessions, settings, queue_is_empty=True) == []  # clocks reset: nothing twice
    with sessions() as session:
        states = {t.id: (t.state, t.lease_owner) for t in session.scalars(select(Translation))}
    assert states == {es: ("queued", None), fr: ("queued", None), de: ("translating", "live-worker")}


def lease_of(sessions, translation_id):
    with sessions() as session:
        translation = session.get(Translation, translation_id)
        return translation.state, translation.lease_owner, translation.attempts, len(translation.segments)


def test_a_duplicate_task_stops_while_another_worker_holds_the_lease(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    tid = post["translations"][0]["id"]
    with sessions() as session:  # another worker took it and is drafting
        assert lease.take(session, session.get(Translation, tid), "other-worker", settings)
        session.commit()
    assert draft_translation(sessions, settings, post["id"], "es") == "translating"
    assert lease_of(sessions, tid) == ("translating", "other-worker", 1, 0)  # the engine did not run here
    with sessions() as session:  # that worker died: nobody renews its lease
        session.execute(update(Translation).where(Translation.id == tid).values(lease_expires_at=utcnow()))
        session.commit()
    assert draft_translation(sessions, settings, post["id"], "es") == "awaiting_review"
    assert lease_of(sessions, tid) == ("awaiting_review", None, 2, post["segments"])


def test_a_worker_that_lost_its_lease_cannot_store_over_the_new_holder(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    with sessions() as session:
        translation = session.get(Translation, post["translations"][0]["id"])
        assert lease.take(session, translation, "stalled", settings)
        session.execute(update(Translation).where(Translation.id == translation.id).values(lease_expires_at=utcnow()))
        assert lease.take(session, translation, "fresh", settings)
        assert not lease.finish(session, translation, "stalled", State.awaiting_review)
        assert lease.finish(session, translation, "fresh", State.awaiting_review)


def test_heartbeats_keep_the_lease_of_a_long_draft(client, people, sessions, settings, monkeypatch):
    """The lease (1 s here) stays ahead of the clock while the engine works longer than that."""
    short = settings.with_(lease_seconds=1, heartbeat_seconds=0.1)
    engine = mt.translate_scored

    def slow_engine(*args, **kwargs):  # the real engine, which here takes at least 1.5 s however fast it got
        time.sleep(1.5)
        return engine(*args, **kwargs)

    monkeypatch.setattr(mt, "translate_scored", slow_engine)
    body = "\n\n".join(f"The museum reopens its doors after renovation, part {n}." for n in range(300))
    post = submit(client, people.editor, format="text", body=body, target_locales=["de"]).get_json()
    tid = post["translations"][0]["id"]
    drafting = threading.Thread(target=draft_translation, args=(sessions, short, post["id"], "de"))
    drafting.start()
    expiries = []
    while drafting.is_alive():
        with sessions() as session:
            translation = session.get(Translation, tid)
            if translation.state == "translating":
                expiries.append(as_utc(translation.lease_expires_at))
                draft_translation(sessions, short, post["id"], "de")  # a duplicate task: must not take over
        time.sleep(0.05)
    drafting.join()
    assert lease_of(sessions, tid)[0::2] == ("awaiting_review", 1)  # one lease taken: one engine call
    assert max(expiries) - min(expiries) > timedelta(seconds=0.5)  # renewed while the engine ran
