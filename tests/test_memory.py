"""Translation memory: stored on approval, reused before MT, near matches in the editor."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from service import memory, memory_index
from service.db import session_scope
from service.models import MemoryEntry, Translation
from tests.factories import sign_in, submit
from workers.drafting import draft_translation

TUESDAY = "El consejo aprobó el plan el martes."


def approve(client, people, sessions, settings, person=None, edits=None, **post):
    """Submit, draft into Spanish, claim, edit, approve; returns the post JSON."""
    person = person or people.maria
    created = submit(client, people.editor, target_locales=["es"], **post).get_json()
    draft_translation(sessions, settings, created["id"], "es")
    url = f"/api/v1/translations/{created['translations'][0]['id']}"
    assert client.post(f"{url}/claim", headers=person.auth).status_code == 200
    for position, text in (edits or {}).items():
        version = client.get(url, headers=person.auth).get_json()["segments"][position]["version"]
        saved = client.patch(f"{url}/segments/{position}", json={"text": text, "version": version}, headers=person.auth)
        assert saved.status_code == 200
    assert client.post(f"{url}/approve", headers=person.auth).get_json()["state"] == "published"
    return created


def draft_of(client, person, translation_id):
    return client.get(f"/api/v1/translations/{translation_id}", headers=person.auth).get_json()


def test_repeated_sentences_come_from_memory_and_never_reach_the_engine(
    client, people, sessions, settings, engine_calls
):
    first = approve(client, people, sessions, settings, edits={2: TUESDAY})
    engine_calls.clear()
    body = (
        '<p>See <a href="https://example.org/map">the map</a>. The council approved the plan on Tuesday. '
        'Read <a href="https://example.org/plan">the full plan</a> before the <em>public meeting</em>.</p>'
        "<p>Nothing else was decided.</p>"
    )
    second = submit(client, people.editor, title="Budget vote delayed", body=body, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, second["id"], "es")
    draft = draft_of(client, people.maria, second["translations"][0]["id"])
    by_source = {s["source"]: s for s in draft["segments"]}

    remembered = by_source["The council approved the plan on Tuesday."]
    assert remembered["origin"] == "tm" and remembered["text"] == TUESDAY
    linked = by_source["Read <g2>the full plan</g2> before the <g3>public meeting</g3>."]
    assert linked["origin"] == "tm" and "<g2>" in linked["text"] and "<g3>" in linked["text"]
    assert by_source["The schools will take 1,200 pupils from September."]["origin"] == "tm"  # the same lede
    sent = [text for call in engine_calls for text in call]
    assert len(engine_calls) == 1
    assert len(sent) == len([s for s in draft["segments"] if s["origin"] == "mt"])
    assert not any("council approved the plan" in text for text in sent)
    drafted = [e for e in draft["history"] if e["action"] == "drafted"][-1]
    assert drafted["detail"].startswith(f"3 from memory, {len(sent)} machine-translated by apertium")

    client.post(f"{draft['url']}/claim", headers=people.maria.auth)
    page = client.get(client.post(f"{draft['url']}/approve", headers=people.maria.auth).get_json()["page"])
    assert '<a href="https://example.org/plan" rel="noopener">' in page.get_data(as_text=True)
    assert first["id"] != second["id"]


def test_a_post_entirely_in_memory_is_drafted_without_the_engine(client, people, sessions, settings, engine_calls):
    approve(client, people, sessions, settings)
    engine_calls.clear()
    again = submit(client, people.editor, target_locales=["es"], tags=[], categories=[]).get_json()
    assert draft_translation(sessions, settings, again["id"], "es") == "awaiting_review"
    draft = draft_of(client, people.maria, again["translations"][0]["id"])
    assert {s["origin"] for s in draft["segments"]} == {"tm"}
    assert engine_calls == []


def test_the_newest_approval_of_a_source_wins(client, people, sessions, settings):
    approve(client, people, sessions, settings, edits={0: "Tres escuelas nuevas en la ciudad"})
    approve(client, people, sessions, settings, person=people.lucia, edits={0: "La ciudad estrena tres escuelas"})
    with sessions() as session:
        entries = session.scalars(
            select(MemoryEntry).where(MemoryEntry.source_text == "City opens three new schools")
        ).all()
    assert [(e.target_text, e.approved_by_name) for e in entries] == [("La ciudad estrena tres escuelas", "lucia")]
    third = submit(client, people.editor, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, third["id"], "es")
    assert draft_of(client, people.maria, third["translations"][0]["id"])["segments"][0]["text"] == (
        "La ciudad estrena tres escuelas"
    )


def test_an_older_import_never_replaces_a_newer_approval(sessions):
    from datetime import UTC, datetime

    with session_scope(sessions) as session:
        key = memory.canonical("Hello “world”.")
        row = {"source_key": key.key, "source_text": key.text, "target_text": "Hola mundo."}
        memory.store(session, "en", "es", [row], approved_at=datetime(2026, 5, 1, tzinfo=UTC))
        memory.store(
            session, "en", "es", [{**row, "target_text": "Viejo."}], approved_at=datetime(2020, 1, 1, tzinfo=UTC)
        )
        session.commit()
        assert session.scalar(select(MemoryEntry.target_text)) == "Hola mundo."
        # typographic quotes and spacing do not matter for an exact match
        assert memory.exact_matches(session, "en", "es", ['Hello  "world".', "Hello world."]) == {0: "Hola mundo."}


def test_near_matches_show_the_source_difference_and_the_adapted_translation(client, people, sessions, settings):
    approve(client, people, sessions, settings, edits={2: TUESDAY})
    body = "<p>The council approved the plan on Wednesday.</p><p>Completely different words appear here today.</p>"
    post = submit(client, people.editor, title="Another vote", body=body, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    tid = post["translations"][0]["id"]
    found = client.get(f"/api/v1/translations/{tid}/memory", headers=people.maria.auth).get_json()["matches"]
    draft = draft_of(client, people.maria, tid)
    position = next(s["position"] for s in draft["segments"] if "Wednesday" in s["source"])
    best = found[str(position)][0]
    assert best["score"] == 87 and best["target"] == TUESDAY and best["approved_by"] == "maria"
    assert ["memory", "Tuesday"] in best["diff"] and ["this", "Wednesday"] in best["diff"]
    other = next(s["position"] for s in draft["segments"] if "Completely" in s["source"])
    assert str(other) not in found

    sign_in(client, "maria")
    page = client.get(f"/review/{tid}").get_data(as_text=True)
    assert 'class="memory-matches"' in page and "memory.js" in page and 'id="xliff-export"' in page
    web = client.get(f"/review/{tid}/memory").get_json()["matches"]
    assert web[str(position)][0]["score"] == 87


def test_translators_search_the_memory_and_only_admins_delete(client, people, sessions, settings):
    approve(client, people, sessions, settings, edits={2: TUESDAY})
    search = "/api/v1/memory?source=en&target=es&q=approved%20Tuesday"
    entries = client.get(search, headers=people.maria.auth).get_json()["entries"]
    assert [e["target"] for e in entries] == [TUESDAY]
    assert client.get(search, headers=people.dariush.auth).status_code == 403
    bad = client.get("/api/v1/memory?source=en&target=xx", headers=people.maria.auth)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "target"
    entry = f"/api/v1/memory/{entries[0]['id']}"
    assert client.delete(entry, headers=people.maria.auth).status_code == 403
    assert client.delete(entry, headers=people.admin.auth).status_code == 204
    assert client.get(search, headers=people.maria.auth).get_json()["entries"] == []
    assert client.delete(entry, headers=people.admin.auth).status_code == 404

    post = submit(client, people.editor, target_locales=["es"]).get_json()  # no longer reused
    draft_translation(sessions, settings, post["id"], "es")
    draft = draft_of(client, people.maria, post["translations"][0]["id"])
    assert draft["segments"][2]["origin"] == "mt"


def test_queue_desk_and_history_show_how_much_came_from_memory(client, people, sessions, settings):
    approve(client, people, sessions, settings)
    post = submit(client, people.editor, title="A new title", target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    tid = post["translations"][0]["id"]
    total = post["segments"]
    sign_in(client, "maria")
    queue = client.get("/review").get_data(as_text=True)
    assert f'<td class="from-memory">{total - 1}</td>' in queue
    client.post("/language", data={"csrf_token": _token(client), "locale": "es", "next": "/review"})
    history = client.get(f"/review/{tid}").get_data(as_text=True)
    assert f"{total - 1} de la memoria, 1 traducido automáticamente" in history
    sign_in(client, "editor")
    desk = client.get("/editor").get_data(as_text=True)
    assert f"{total - 1} segments from memory" in desk


def _token(client) -> str:
    from tests.factories import csrf_token

    return csrf_token(client.get("/review").get_data(as_text=True))


WORDS = [
    "council",
    "plan",
    "school",
    "river",
    "budget",
    "vote",
    "mayor",
    "city",
    "north",
    "south",
    "new",
    "old",
    "meeting",
    "public",
    "report",
    "the",
    "a",
    "of",
    "on",
    "in",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))).capitalize() + "."


def _variant(rng: random.Random, text: str) -> str:
    words = text.rstrip(".").split()
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words) + "."


@pytest.mark.parametrize("learn_common_words", [False, True])
def test_near_matches_find_every_entry_a_full_scan_finds(sessions, learn_common_words):
    """The prefix index is a filter, never a guess: compare it with scoring every entry."""
    rng = random.Random(7)
    sources = sorted({_sentence(rng) for _ in range(400)})
    with session_scope(sessions) as session:
        rows = [{"source_key": memory.canonical(s).key, "source_text": s, "target_text": f"es: {s}"} for s in sources]
        memory.store(session, "en", "es", rows, approved_at=memory_index.utcnow())
        if learn_common_words:
            memory_index.rebuild_stop_list(session, "en")
            while memory_index.reindex_batch(session, "en", batch=150):
                pass
            assert memory_index.stop_list(session, "en")[1]  # common words were learnt
        session.commit()
        entries = session.scalars(select(MemoryEntry)).all()
        checked = 0
        for query in [_variant(rng, rng.choice(sources)) for _ in range(60)]:
            words = memory_index.tokens(query)
            expected = {
                e.source_text: score
                for e in entries
                if (score := _similarity(words, memory_index.tokens(e.source_text))) >= 75
            }
            found = {m.entry.source_text: m.score for m in memory_index.near_matches(session, "en", "es", query, 1000)}
            assert found == expected, query
            shown = memory_index.near_matches(session, "en", "es", query)  # the editor shows the best three
            assert [m.score for m in shown] == sorted(expected.values(), reverse=True)[:3], query
            checked += len(expected)
        assert checked > 30  # the queries did find near matches
        assert session.scalar(select(func.count()).select_from(Translation)) == 0


def _similarity(a: list[str], b: list[str]) -> int:
    """The reference: word-level Levenshtein by the textbook, as a percentage of the longer source."""
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return int(100 * (1 - previous[-1] / max(len(a), len(b))))


def test_of_equally_close_matches_the_newest_approval_is_offered_first(sessions):
    from datetime import UTC, datetime

    with session_scope(sessions) as session:
        for day, source in [(1, "The council meets every Monday."), (9, "The council meets every Friday.")]:
            row = {"source_key": memory.canonical(source).key, "source_text": source, "target_text": f"es {day}"}
            memory.store(session, "en", "es", [row], approved_at=datetime(2026, 5, day, tzinfo=UTC))
        session.commit()
        shown = memory_index.near_matches(session, "en", "es", "The council meets every Tuesday.", limit=1)
        assert [(m.entry.target_text, m.score) for m in shown] == [("es 9", 83)]
