"""The drafting step that the translate task runs: idempotent, failure-tolerant, swept when stuck."""

from datetime import timedelta

from sqlalchemy import select, update

from service.models import TranslatedSegment, Translation, utcnow
from tests.factories import submit
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


def test_sweep_finds_translations_stuck_too_long_and_resets_their_clock(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es", "fr"]).get_json()
    es, fr = (t["id"] for t in post["translations"])
    long_ago = utcnow() - timedelta(seconds=settings.stuck_after_seconds + 60)
    with sessions() as session:
        session.execute(update(Translation).where(Translation.id == es).values(state_changed_at=long_ago))
        session.execute(
            update(Translation).where(Translation.id == fr).values(state="translating", state_changed_at=long_ago)
        )
        session.commit()
    assert sorted(find_stuck(sessions, settings)) == [(post["id"], "es"), (post["id"], "fr")]
    assert find_stuck(sessions, settings) == []
