"""Posts waiting for the same language pair are drafted together, in ONE engine call."""

from __future__ import annotations

from sqlalchemy import select

from service.models import Translation, TranslationEvent
from tests.factories import submit
from workers import batching, fidelity, lease
from workers.mt import apertium

TOPICS = ["The council approved the plan.", "The river flooded the old town.", "Prices rose in October."]


def post_about(client, people, topic: str) -> dict:
    body = f"<p>{topic}</p><p>{topic.replace('.', ' again.')}</p>"
    response = submit(client, people.editor, title=topic, lede=topic, body=body, target_locales=["es"])
    assert response.status_code == 201
    return response.get_json()


def drafts(sessions, post: dict) -> list[str]:
    with sessions() as session:
        translation = session.get(Translation, post["translations"][0]["id"])
        return [s.text for s in sorted(translation.segments, key=lambda s: s.position)], translation.state


def alone(settings, sessions, post: dict) -> list[str]:
    """What drafting this post by itself gives (Apertium is deterministic)."""
    with sessions() as session:
        translation = session.get(Translation, post["translations"][0]["id"])
        sources = [s.source_text for s in translation.revision.segments]
    context = fidelity.load_context(sessions, settings, post["id"], "en", "es")
    return [draft.text for draft in fidelity.draft_batch(settings, sources, "en", "es", context)]


def test_posts_waiting_for_one_pair_are_drafted_in_one_engine_call(client, people, sessions, settings, engine_calls):
    posts = [post_about(client, people, topic) for topic in TOPICS]

    assert batching.draft_waiting(sessions, settings, posts[0]["id"], "es") == "awaiting_review"

    assert len(engine_calls) == 1  # three posts, one engine call
    assert all(topic in engine_calls[0] for topic in TOPICS)  # every post's segments are in it
    expected = [alone(settings, sessions, post) for post in posts]
    for post, wanted in zip(posts, expected, strict=True):
        texts, state = drafts(sessions, post)
        assert state == "awaiting_review"
        assert texts == wanted  # each post got its own segments back, in order
    engine_calls.clear()
    # the other posts' own tasks come later: nothing left to do, no engine call, no second draft
    for post in posts[1:]:
        assert batching.draft_waiting(sessions, settings, post["id"], "es") == "awaiting_review"
    assert engine_calls == []
    with sessions() as session:
        drafted = session.scalars(select(TranslationEvent).where(TranslationEvent.action == "drafted")).all()
        assert len(drafted) == len(posts)


def test_a_translation_another_worker_holds_is_left_to_it(client, people, sessions, settings, engine_calls):
    posts = [post_about(client, people, topic) for topic in TOPICS]
    held = posts[1]["translations"][0]["id"]
    with sessions() as session:
        assert lease.take(session, session.get(Translation, held), "other-worker", settings)
        session.commit()

    assert batching.draft_waiting(sessions, settings, posts[0]["id"], "es") == "awaiting_review"

    assert len(engine_calls) == 1
    assert TOPICS[0] in engine_calls[0] and TOPICS[2] in engine_calls[0] and TOPICS[1] not in engine_calls[0]
    with sessions() as session:
        other = session.get(Translation, held)
        assert (other.state, other.lease_owner, other.segments) == ("translating", "other-worker", [])
    assert drafts(sessions, posts[2])[1] == "awaiting_review"


def test_a_post_the_engine_cannot_take_fails_alone(client, people, sessions, settings, monkeypatch):
    posts = [post_about(client, people, topic) for topic in TOPICS]
    real = apertium.translate_scored

    def picky(texts, source, target, settings):
        if any("river" in text for text in texts):
            raise RuntimeError("the engine crashed on this text")
        return real(texts, source, target, settings)

    monkeypatch.setattr(apertium, "translate_scored", picky)

    assert batching.draft_waiting(sessions, settings, posts[0]["id"], "es") == "awaiting_review"

    assert [drafts(sessions, post)[1] for post in posts] == ["awaiting_review", "failed", "awaiting_review"]


def test_batches_stop_at_the_configured_number_of_posts(client, people, sessions, settings, engine_calls):
    posts = [post_about(client, people, topic) for topic in TOPICS]
    settings = settings.with_(mt_posts_per_batch=2)

    batching.draft_waiting(sessions, settings, posts[0]["id"], "es")

    assert len(engine_calls) == 1
    assert [drafts(sessions, post)[1] for post in posts] == ["awaiting_review", "awaiting_review", "queued"]
