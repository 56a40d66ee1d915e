"""Correcting a published story: a new revision of the same post, and only what changed is translated again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from service.models import PostEvent, Revision, TranslatedSegment
from tests.factories import sign_in, submit
from workers import mt
from workers.drafting import draft_translation

SENTENCES = [f"The council met with group number {n} on Tuesday." for n in range(1, 101)]
EDITED = 49  # index in SENTENCES of the sentence the correction changes
HUMAN = "Texto corregido por la traductora."


def long_story(sentences: list[str]) -> dict:
    body = "\n\n".join(sentences[2:])
    return {"title": sentences[0], "lede": sentences[1], "body": body, "format": "text", "tags": [], "categories": []}


@pytest.fixture
def engine_texts(monkeypatch):
    """Every text the pipeline sends to an MT engine, per target locale."""
    sent: dict[str, list[str]] = {}
    real = mt.translate_scored

    def spy(settings, texts, source, target):
        sent.setdefault(target, []).extend(texts)
        return real(settings, texts, source, target)

    monkeypatch.setattr(mt, "translate_scored", spy)
    return sent


def review_and_approve(client, person, translation_id: int, edits: dict[int, str] | None = None) -> dict:
    url = f"/api/v1/translations/{translation_id}"
    assert client.post(f"{url}/claim", headers=person.auth).status_code == 200
    for position, text in (edits or {}).items():
        version = client.get(url, headers=person.auth).get_json()["segments"][position]["version"]
        saved = client.patch(f"{url}/segments/{position}", json={"text": text, "version": version}, headers=person.auth)
        assert saved.status_code == 200, saved.get_json()
    approved = client.post(f"{url}/approve", headers=person.auth)
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def published(client, people, sessions, settings, sentences=SENTENCES, edits=None) -> dict:
    """A story submitted, drafted and approved in Spanish and French; returns the post JSON."""
    post = submit(client, people.editor, **long_story(sentences), target_locales=["es", "fr"]).get_json()
    for translation in post["translations"]:
        draft_translation(sessions, settings, post["id"], translation["locale"])
        locale_edits = edits if translation["locale"] == "es" else None
        review_and_approve(client, people.maria, translation["id"], locale_edits)
    return post


def page_text(client, locale: str, slug: str) -> str:
    response = client.get(f"/{locale}/posts/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_one_edited_sentence_of_a_hundred_is_the_only_one_machine_translated_again(
    app, client, people, sessions, settings, engine_texts
):
    post = published(client, people, sessions, settings, edits={10: HUMAN})
    es = client.get(f"/api/v1/translations/{post['translations'][0]['id']}", headers=people.maria.auth).get_json()
    old_spanish = es["segments"][EDITED]["text"]
    assert old_spanish in page_text(client, "es", post["slug"])
    engine_texts.clear()

    corrected = list(SENTENCES)
    corrected[EDITED] = "The council met with group number 50 on Wednesday."
    response = client.patch(
        f"/api/v1/posts/{post['id']}",
        json={"body": long_story(corrected)["body"], "revision": 1},
        headers=people.editor.auth,
    )
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert (edited["id"], edited["slug"], edited["revision"]) == (post["id"], post["slug"], 2)
    assert "Wednesday" in page_text(client, "en", post["slug"])  # the original shows the new revision at once
    for translation in edited["translations"]:
        assert draft_translation(sessions, settings, post["id"], translation["locale"]) == "outdated"
    assert sorted(engine_texts) == ["es", "fr"]  # exactly one segment per locale, the edited one (numbers protected)
    assert all(len(texts) == 1 and "on Wednesday" in texts[0] for texts in engine_texts.values())

    draft = client.get(f"/api/v1/translations/{post['translations'][0]['id']}", headers=people.maria.auth).get_json()
    assert draft["correction"] is True and draft["revision"] == 2
    kept = draft["segments"][10]
    assert (kept["text"], kept["origin"], kept["carried_over"]) == (HUMAN, "human", True)
    changed = draft["segments"][EDITED]
    assert changed["carried_over"] is False and changed["previous_source"] == SENTENCES[EDITED]
    assert ["removed", "Tuesday"] in changed["source_diff"] and ["added", "Wednesday"] in changed["source_diff"]
    assert sum(not s["carried_over"] for s in draft["segments"]) == 1
    translator = app.test_client()
    sign_in(translator, "maria")
    side_by_side = translator.get(f"/review/{draft['id']}").get_data(as_text=True)
    assert side_by_side.count("Changed in this revision") == 1 and "New in this revision" not in side_by_side
    assert "<del>Tuesday</del><ins>Wednesday</ins>" in side_by_side

    # While the correction is reviewed, readers keep the approved Spanish text, told that the original changed.
    html = page_text(client, "es", post["slug"])
    assert old_spanish in html and changed["text"] not in html
    assert "Actualizado en inglés" in html
    status = client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json()["published"]
    assert status["es"] == {"revision": 1, "current": False, "withdrawn": False}
    assert status["en"]["revision"] == 2 and status["en"]["current"] is True

    review_and_approve(client, people.maria, draft["id"])
    html = page_text(client, "es", post["slug"])
    assert changed["text"] in html and HUMAN in html and old_spanish not in html
    status = client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json()
    assert status["published"]["es"] == {"revision": 2, "current": True, "withdrawn": False}
    assert [(e["action"], e["by"], e["revision"]) for e in status["history"]] == [("edited", "editor", 2)]
    history = client.get(f"/api/v1/translations/{draft['id']}", headers=people.maria.auth).get_json()["history"]
    assert [e["revision"] for e in history if e["action"] == "published"] == [1, 2]


def test_moved_and_new_sentences_and_the_correction_is_reviewed_first(
    app, client, people, sessions, settings, engine_texts
):
    sentences = SENTENCES[:8]
    post = published(client, people, sessions, settings, sentences=sentences)
    waiting = submit(client, people.editor, target_locales=["es"]).get_json()  # drafted before the correction
    draft_translation(sessions, settings, waiting["id"], "es")
    engine_texts.clear()
    moved = [
        sentences[0],
        sentences[1],
        sentences[5],
        sentences[2],
        sentences[3],
        sentences[4],
        "A brand new line.",
        sentences[6],
        sentences[7],
    ]
    response = client.patch(
        f"/api/v1/posts/{post['id']}", json={"body": long_story(moved)["body"]}, headers=people.editor.auth
    )
    assert response.status_code == 200
    draft_translation(sessions, settings, post["id"], "es")
    assert engine_texts == {"es": ["A brand new line."]}  # moved sentences keep their translation
    draft = client.get(f"/api/v1/translations/{post['translations'][0]['id']}", headers=people.maria.auth).get_json()
    assert [s["carried_over"] for s in draft["segments"]] == [True] * 6 + [False] + [True] * 2
    assert "previous_source" not in draft["segments"][6]
    translator = app.test_client()
    sign_in(translator, "maria")
    queue = translator.get("/review").get_data(as_text=True)
    correction, other = draft["id"], waiting["translations"][0]["id"]
    assert queue.index(f'data-translation="{correction}"') < queue.index(f'data-translation="{other}"')
    assert "Correction" in queue
    assert "New in this revision" in translator.get(f"/review/{correction}").get_data(as_text=True)


def test_withdraw_while_reviewing_hides_the_locale_until_the_correction_is_approved(client, people, sessions, settings):
    post = published(client, people, sessions, settings, sentences=SENTENCES[:5])
    body = long_story([*SENTENCES[:4], "The council met nobody."])["body"]
    response = client.patch(
        f"/api/v1/posts/{post['id']}", json={"body": body, "while_reviewing": "withdraw"}, headers=people.editor.auth
    )
    assert response.status_code == 200
    assert client.get(f"/es/posts/{post['slug']}").status_code == 410
    assert client.get(f"/en/posts/{post['slug']}").status_code == 200
    draft_translation(sessions, settings, post["id"], "es")
    review_and_approve(client, people.maria, post["translations"][0]["id"])
    assert client.get(f"/es/posts/{post['slug']}").status_code == 200


def test_new_slug_and_old_slug_redirects(client, people):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    response = client.patch(f"/api/v1/posts/{post['id']}", json={"slug": "Schools open"}, headers=people.editor.auth)
    assert response.get_json()["slug"] == "schools-open"
    old = client.get(f"/en/posts/{post['slug']}")
    assert old.status_code == 301 and old.headers["Location"].endswith("/en/posts/schools-open")
    assert client.get("/en/posts/schools-open").status_code == 200


def test_bad_edits_change_nothing(client, people, sessions):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    url = f"/api/v1/posts/{post['id']}"

    def revisions() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(Revision).where(Revision.post_id == post["id"]))

    same = client.patch(url, json={"title": post["title"], "revision": 1}, headers=people.editor.auth)
    assert same.status_code == 200 and same.get_json()["revision"] == 1 and revisions() == 1
    for payload, field in [
        ({"colour": "red"}, "colour"),
        ({"format": "pdf"}, "format"),
        ({"title": ""}, "title"),
        ({"published_at": "tomorrow"}, "published_at"),
        ({"target_locales": ["xx"]}, "target_locales"),
        ({"while_reviewing": "hide"}, "while_reviewing"),
        ({"revision": "one"}, "revision"),
    ]:
        response = client.patch(url, json={**payload, "body": "Changed."}, headers=people.editor.auth)
        assert response.status_code == 422, payload
        assert response.get_json()["error"]["field"] == field
    assert client.patch(url, json={"title": "New"}, headers=people.maria.auth).status_code == 403
    assert client.patch("/api/v1/posts/999", json={"title": "New"}, headers=people.editor.auth).status_code == 404
    stale = client.patch(url, json={"title": "New", "revision": 0 + 2}, headers=people.editor.auth)
    assert stale.status_code == 409 and stale.get_json()["error"]["field"] == "revision"
    assert revisions() == 1
    assert client.get(url, headers=people.editor.auth).get_json()["title"] == post["title"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PostEvent)) == 0


def test_a_language_not_published_yet_can_be_dropped_but_not_a_published_or_claimed_one(
    client, people, sessions, settings
):
    post = submit(client, people.editor, target_locales=["es", "fr", "de"]).get_json()
    url, ids = f"/api/v1/posts/{post['id']}", {t["locale"]: t["id"] for t in post["translations"]}
    for locale in ("es", "fr"):
        draft_translation(sessions, settings, post["id"], locale)
    review_and_approve(client, people.maria, ids["es"])
    assert client.post(f"/api/v1/translations/{ids['fr']}/claim", headers=people.maria.auth).status_code == 200

    published_one = client.patch(url, json={"target_locales": ["fr", "de"]}, headers=people.editor.auth)
    assert published_one.status_code == 422 and published_one.get_json()["error"]["field"] == "target_locales"
    assert "withdraw" in published_one.get_json()["error"]["message"]
    claimed = client.patch(url, json={"target_locales": ["es", "de"]}, headers=people.editor.auth)
    assert claimed.status_code == 409 and "maria" in claimed.get_json()["error"]["message"].lower()

    dropped = client.patch(url, json={"target_locales": ["es", "fr"]}, headers=people.editor.auth)
    assert dropped.status_code == 200, dropped.get_json()
    after = client.get(url, headers=people.editor.auth).get_json()
    assert sorted(t["locale"] for t in after["translations"]) == ["es", "fr"]
    assert client.get(f"/api/v1/translations/{ids['de']}", headers=people.maria.auth).status_code == 404
    assert ("dropped", ["de"]) in [(e["action"], e.get("locales")) for e in after["history"]]
    assert client.get(f"/es/posts/{post['slug']}").status_code == 200  # the published language is untouched
    # The worker's task for the dropped language finds nothing to do and stores nothing.
    assert draft_translation(sessions, settings, post["id"], "de") == "missing"


ROUNDS = 15


def test_two_editors_editing_the_same_revision_one_wins_the_other_gets_409(app, people, sessions):
    """Real concurrent requests, released together: exactly one edit of a revision wins, every round."""
    from tests.test_races import Racer

    client = app.test_client()
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    url = f"/api/v1/posts/{post['id']}"
    racer = Racer()
    failures = []
    try:
        for n in range(ROUNDS):
            revision = client.get(url, headers=people.editor.auth).get_json()["revision"]

            def edit(who, title, revision=revision):
                return app.test_client().patch(url, json={"title": title, "revision": revision}, headers=who.auth)

            answers = racer.run(
                lambda n=n: edit(people.editor, f"Round {n}: the editor's title"),
                lambda n=n: edit(people.admin, f"Round {n}: the admin's title"),
            )
            codes = sorted(answer.status_code for answer in answers)
            now = client.get(url, headers=people.editor.auth).get_json()
            winner = next((a.get_json() for a in answers if a.status_code == 200), None)
            if codes != [200, 409] or now["revision"] != revision + 1 or winner["title"] != now["title"]:
                failures.append(f"round {n}: {codes}, revision {now['revision']}, title {now['title']!r}")
    finally:
        racer.pool.shutdown()
    assert not failures, "\n".join(failures[:5])
    with sessions() as session:
        numbers = session.scalars(select(Revision.number).where(Revision.post_id == post["id"])).all()
        assert sorted(numbers) == list(range(1, ROUNDS + 2))
        assert session.scalar(select(func.count()).select_from(PostEvent)) == ROUNDS


def test_the_desk_edits_with_a_form_and_asks_before_withdrawing(app, people, sessions, settings):
    from tests.factories import page_token, sign_in

    client = app.test_client()
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    sign_in(client, "editor")
    form = client.get(f"/editor/posts/{post['id']}/edit").get_data(as_text=True)
    assert 'name="revision" value="1"' in form and "City opens three new schools" in form
    token = page_token(client, f"/editor/posts/{post['id']}/edit")
    fields = {
        "csrf_token": token,
        "revision": "1",
        "title": "City opens four new schools",
        "lede": "The schools will take 1,200 pupils from September.",
        "body": client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json() and "",
        "format": "html",
        "target_locales": ["es"],
    }
    with sessions() as session:
        fields["body"] = session.scalar(select(Revision.body_source).where(Revision.post_id == post["id"]))
    assert client.post(f"/editor/posts/{post['id']}/edit", data={**fields, "csrf_token": ""}).status_code == 400
    saved = client.post(f"/editor/posts/{post['id']}/edit", data=fields)
    assert saved.status_code == 303
    edited = client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json()
    assert (edited["title"], edited["revision"], edited["slug"]) == ("City opens four new schools", 2, post["slug"])
    stale = client.post(f"/editor/posts/{post['id']}/edit", data={**fields, "title": "Another title"})
    assert stale.status_code == 409 and "someone else edited this post" in stale.get_data(as_text=True)

    # Withdraw: the desk's link leads to a question; only its form withdraws.
    question = client.get(f"/editor/posts/{post['id']}/withdraw")
    assert question.status_code == 200 and "Readers will get a notice" in question.get_data(as_text=True)
    assert client.get(f"/en/posts/{post['slug']}").status_code == 200
    token = page_token(client, f"/editor/posts/{post['id']}/withdraw")
    assert client.post(f"/editor/posts/{post['id']}/withdraw", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/en/posts/{post['slug']}").status_code == 410
    assert client.get(f"/editor/posts/{post['id']}/delete").status_code == 200  # the question; only admins may answer
    denied = client.post(f"/editor/posts/{post['id']}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "only admins can delete posts" in denied.get_data(as_text=True)
    assert client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).status_code == 200


def test_dropping_a_language_while_a_translator_claims_it_never_loses_the_claim(app, people, sessions, settings):
    """Real concurrent requests: the drop and the claim never both succeed, every round."""
    from tests.test_races import Racer

    client, racer, failures = app.test_client(), Racer(), []
    try:
        for n in range(8):
            post = submit(client, people.editor, title=f"Round {n}", target_locales=["es", "fr"]).get_json()
            spanish = next(t["id"] for t in post["translations"] if t["locale"] == "es")
            draft_translation(sessions, settings, post["id"], "es")
            claim, drop = racer.run(
                lambda spanish=spanish: app.test_client().post(
                    f"/api/v1/translations/{spanish}/claim", headers=people.maria.auth
                ),
                lambda post=post: app.test_client().patch(
                    f"/api/v1/posts/{post['id']}", json={"target_locales": ["fr"]}, headers=people.editor.auth
                ),
            )
            left = client.get(f"/api/v1/translations/{spanish}", headers=people.maria.auth)
            held = left.status_code == 200 and left.get_json()["claimed_by"] == "maria"
            if (claim.status_code, drop.status_code, held) not in [(200, 409, True), (404, 200, False)]:
                failures.append(f"round {n}: claim {claim.status_code}, drop {drop.status_code}, held {held}")
    finally:
        racer.pool.shutdown()
    assert not failures, "\n".join(failures)


def test_a_layout_only_correction_is_republished_without_review_but_unapproved_edits_are_not(
    client, people, sessions, settings, engine_texts
):
    sentences = SENTENCES[:5]
    post = published(client, people, sessions, settings, sentences=sentences)
    url, spanish = f"/api/v1/posts/{post['id']}", post["translations"][0]["id"]
    before = page_text(client, "es", post["slug"]).count("<p")
    engine_texts.clear()
    joined = f"{sentences[2]} {sentences[3]}\n\n{sentences[4]}"  # two paragraphs become one; no word changes
    assert client.patch(url, json={"body": joined}, headers=people.editor.auth).status_code == 200
    assert draft_translation(sessions, settings, post["id"], "es") == "published"
    assert not engine_texts.get("es")  # no sentence went to the engine
    assert page_text(client, "es", post["slug"]).count("<p") == before - 1
    state = client.get(url, headers=people.editor.auth).get_json()
    assert state["published"]["es"] == {"revision": 2, "current": True, "withdrawn": False}

    # A correction under review holds a translator's unapproved edit: a later layout change keeps it in review.
    reworded = f"{sentences[2]} The council met nobody.\n\n{sentences[4]}"
    assert client.patch(url, json={"body": reworded}, headers=people.editor.auth).status_code == 200
    draft_translation(sessions, settings, post["id"], "es")
    draft_url = f"/api/v1/translations/{spanish}"
    assert client.post(f"{draft_url}/claim", headers=people.maria.auth).status_code == 200
    version = client.get(draft_url, headers=people.maria.auth).get_json()["segments"][3]["version"]
    saved = client.patch(
        f"{draft_url}/segments/3",
        json={"text": "El consejo no vio a nadie.", "version": version},
        headers=people.maria.auth,
    )
    assert saved.status_code == 200
    with sessions() as session:  # saved on a web server whose clock runs an hour behind: no difference
        session.execute(
            update(TranslatedSegment)
            .where(TranslatedSegment.translation_id == spanish)
            .values(updated_at=datetime.now(UTC) - timedelta(hours=1))
        )
        session.commit()
    split = f"{sentences[2]}\n\nThe council met nobody.\n\n{sentences[4]}"
    assert client.patch(url, json={"body": split}, headers=people.editor.auth).status_code == 200
    assert draft_translation(sessions, settings, post["id"], "es") == "outdated"
    assert "El consejo no vio a nadie." not in page_text(client, "es", post["slug"])
