"""Two people acting on the same draft at the same moment: exactly one wins and nobody's work is lost.

Real threads call the real app (one Flask test client each) on the real database, released
together by a barrier. Each race is repeated ROUNDS times: the old read-then-write code lost an
update in most rounds, so a regression shows. Every round checks what the people would notice:
the answers they got, the draft's history and the text readers see.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlalchemy import select

from service.accounts import MAX_ADDRESS_LOGINS
from service.models import PublishedPage, TranslatedSegment, Translation, TranslationEvent
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation

ROUNDS = 20
POSITION = 2  # "The council approved the plan on Tuesday."


class Racer:
    """Runs calls in parallel threads, released at the same instant by a barrier."""

    def __init__(self, width: int = 2) -> None:
        self.pool = ThreadPoolExecutor(width)
        self.barrier = threading.Barrier(width)

    def run(self, *calls: Callable):
        def go(call: Callable):
            self.barrier.wait(timeout=30)
            return call()

        return [future.result(timeout=60) for future in [self.pool.submit(go, call) for call in calls]]


@pytest.fixture
def racer():
    racer = Racer()
    yield racer
    racer.pool.shutdown()


@pytest.fixture
def draft(client, people, sessions, settings) -> int:
    """A Spanish draft awaiting review (Apertium)."""
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    assert draft_translation(sessions, settings, post["id"], "es") == "awaiting_review"
    return post["translations"][0]["id"]


def api_act(client, person, tid: int, action: str):
    return client.post(f"/api/v1/translations/{tid}/{action}", headers=person.auth)


def api_save(client, person, tid: int, text: str, version: int):
    return client.patch(
        f"/api/v1/translations/{tid}/segments/{POSITION}", json={"text": text, "version": version}, headers=person.auth
    )


class WebUser:
    """A signed-in browser session: a test client with its CSRF token."""

    def __init__(self, app, username: str, tid: int) -> None:
        self.client, self.tid = app.test_client(), tid
        sign_in(self.client, username)
        self.token = page_token(self.client, f"/review/{tid}")

    def act(self, action: str):
        return self.client.post(f"/review/{self.tid}/{action}", data={"csrf_token": self.token})

    def save(self, text: str, version: int):
        return self.client.post(
            f"/review/{self.tid}/segments/{POSITION}",
            json={"text": text, "version": version},
            headers={"X-CSRFToken": self.token},
        )

    def notice(self) -> str:
        return self.client.get(f"/review/{self.tid}").get_data(as_text=True)


def segment(sessions, tid: int) -> tuple[str, int]:
    with sessions() as session:
        row = session.scalars(
            select(TranslatedSegment).where(
                TranslatedSegment.translation_id == tid, TranslatedSegment.position == POSITION
            )
        ).one()
        return row.text, row.version


def events(sessions, tid: int) -> Counter:
    with sessions() as session:
        query = select(TranslationEvent.action).where(TranslationEvent.translation_id == tid)
        return Counter(session.scalars(query))


def state(sessions, tid: int) -> tuple[str, int | None]:
    with sessions() as session:
        translation = session.get(Translation, tid)
        return translation.state, translation.claimed_by_id


def published_body(sessions, tid: int) -> str:
    with sessions() as session:
        translation = session.get(Translation, tid)
        pages = session.scalars(
            select(PublishedPage).where(
                PublishedPage.post_id == translation.post_id, PublishedPage.locale == translation.locale
            )
        ).all()
        assert len(pages) == 1
        return pages[0].body_html


def check(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} of {ROUNDS} rounds went wrong:\n" + "\n".join(failures[:5])


# --- the JSON API -------------------------------------------------------------------------------


def test_api_two_saves_of_one_segment_one_wins_the_other_gets_its_text(app, people, draft, sessions, racer):
    clients = [app.test_client(), app.test_client()]
    assert api_act(clients[0], people.maria, draft, "claim").status_code == 200
    failures = []
    for n in range(ROUNDS):
        _, version = segment(sessions, draft)
        texts = [f"Maria escribe {n}.", f"Admin escribe {n}."]
        answers = racer.run(
            partial(api_save, clients[0], people.maria, draft, texts[0], version),
            partial(api_save, clients[1], people.admin, draft, texts[1], version),
        )
        statuses = [a.status_code for a in answers]
        stored = segment(sessions, draft)
        if sorted(statuses) != [200, 409]:
            failures.append(f"round {n}: answers {statuses}, stored {stored}")
            continue
        winner, loser = (answers[0], answers[1]) if statuses[0] == 200 else (answers[1], answers[0])
        won = winner.get_json()
        if stored != (won["text"], version + 1) or loser.get_json()["error"]["current"] != {
            "text": won["text"],
            "version": version + 1,
        }:
            failures.append(f"round {n}: stored {stored}, winner {won}, loser {loser.get_json()}")
    check(failures)
    assert events(sessions, draft)["edited"] == ROUNDS


def test_api_two_claims_one_translator_gets_the_draft(app, people, draft, sessions, racer):
    clients = [app.test_client(), app.test_client()]
    translators = [people.maria, people.lucia]
    failures = []
    for n in range(ROUNDS):
        before = events(sessions, draft)["claimed"]
        answers = racer.run(
            *(partial(api_act, c, p, draft, "claim") for c, p in zip(clients, translators, strict=True))
        )
        statuses = [a.status_code for a in answers]
        claims = events(sessions, draft)["claimed"] - before
        _, holder = state(sessions, draft)
        winner = translators[statuses.index(200)] if 200 in statuses else None
        if sorted(statuses) != [200, 409] or claims != 1 or winner.id != holder:
            failures.append(f"round {n}: answers {statuses}, {claims} claimed events, holder {holder}")
        holder_person = next(p for p in translators if p.id == holder)
        assert api_act(clients[translators.index(holder_person)], holder_person, draft, "release").status_code == 200
    check(failures)


def test_api_two_approvals_publish_once(app, people, draft, sessions, racer):
    clients = [app.test_client(), app.test_client()]
    failures = []
    for n in range(ROUNDS):
        assert api_act(clients[0], people.maria, draft, "claim").status_code == 200
        before = events(sessions, draft)
        answers = racer.run(
            partial(api_act, clients[0], people.maria, draft, "approve"),
            partial(api_act, clients[1], people.admin, draft, "approve"),
        )
        statuses = sorted(a.status_code for a in answers)
        after = events(sessions, draft)
        happened = {action: after[action] - before[action] for action in ("approved", "published")}
        if statuses != [200, 409] or happened != {"approved": 1, "published": 1}:
            failures.append(f"round {n}: answers {statuses}, events {happened}")
        assert state(sessions, draft)[0] == "published"
    check(failures)


def test_api_approval_never_publishes_text_older_than_a_successful_save(app, people, draft, sessions, racer):
    clients = [app.test_client(), app.test_client()]
    failures = []
    for n in range(ROUNDS):
        assert api_act(clients[0], people.maria, draft, "claim").status_code == 200
        _, version = segment(sessions, draft)
        text = f"Correccion numero {n} del consejo."
        saved, approved = racer.run(
            partial(api_save, clients[0], people.maria, draft, text, version),
            partial(api_act, clients[1], people.admin, draft, "approve"),
        )
        if approved.status_code != 200 or saved.status_code not in (200, 409):
            failures.append(f"round {n}: save {saved.status_code}, approve {approved.status_code}")
        elif saved.status_code == 200 and text not in published_body(sessions, draft):
            failures.append(f"round {n}: the save got 200 but readers see the older text")
    check(failures)


# --- the web editor (session cookie + CSRF) -----------------------------------------------------


def test_web_two_saves_of_one_segment_one_wins_the_other_gets_its_text(app, people, draft, sessions, racer):
    maria, admin = WebUser(app, "maria", draft), WebUser(app, "admin", draft)
    assert maria.act("claim").status_code == 303
    failures = []
    for n in range(ROUNDS):
        _, version = segment(sessions, draft)
        texts = [f"Maria escribe {n}.", f"Admin escribe {n}."]
        answers = racer.run(partial(maria.save, texts[0], version), partial(admin.save, texts[1], version))
        statuses = [a.status_code for a in answers]
        stored = segment(sessions, draft)
        if sorted(statuses) != [200, 409]:
            failures.append(f"round {n}: answers {statuses}, stored {stored}")
            continue
        won = answers[statuses.index(200)].get_json()
        lost = answers[statuses.index(409)].get_json()["error"]
        if stored != (won["text"], version + 1) or lost["current"] != {"text": won["text"], "version": version + 1}:
            failures.append(f"round {n}: stored {stored}, winner {won}, loser {lost}")
    check(failures)


def test_web_two_claim_buttons_hand_the_draft_to_one_translator(app, people, draft, sessions, racer):
    users = [WebUser(app, "maria", draft), WebUser(app, "lucia", draft)]
    ids = [people.maria.id, people.lucia.id]
    failures = []
    for n in range(ROUNDS):
        before = events(sessions, draft)["claimed"]
        racer.run(*(partial(u.act, "claim") for u in users))
        told = ["You hold this draft now." in u.notice() for u in users]
        claims = events(sessions, draft)["claimed"] - before
        _, holder = state(sessions, draft)
        if told.count(True) != 1 or claims != 1 or ids[told.index(True)] != holder:
            failures.append(f"round {n}: told {told}, {claims} claimed events, holder {holder}")
        assert users[ids.index(holder)].act("release").status_code == 303
    check(failures)


def test_web_two_approve_buttons_publish_once(app, people, draft, sessions, racer):
    users = [WebUser(app, "maria", draft), WebUser(app, "admin", draft)]
    failures = []
    for n in range(ROUNDS):
        assert users[0].act("claim").status_code == 303
        before = events(sessions, draft)
        answers = racer.run(*(partial(u.act, "approve") for u in users))
        assert all(a.status_code == 303 for a in answers)
        published = ["Approved and published." in u.notice() for u in users]
        after = events(sessions, draft)
        happened = {action: after[action] - before[action] for action in ("approved", "published")}
        if published.count(True) != 1 or happened != {"approved": 1, "published": 1}:
            failures.append(f"round {n}: told it was published {published}, events {happened}")
    check(failures)


def test_web_approval_never_publishes_text_older_than_a_successful_save(app, people, draft, sessions, racer):
    maria, admin = WebUser(app, "maria", draft), WebUser(app, "admin", draft)
    failures = []
    for n in range(ROUNDS):
        assert maria.act("claim").status_code == 303
        _, version = segment(sessions, draft)
        text = f"Correccion numero {n} del consejo."
        saved, approved = racer.run(partial(maria.save, text, version), partial(admin.act, "approve"))
        told = admin.notice()
        if "Approved and published." not in told or saved.status_code not in (200, 409):
            failures.append(f"round {n}: save {saved.status_code}, approve told {told!r}")
        elif saved.status_code == 200 and text not in published_body(sessions, draft):
            failures.append(f"round {n}: the save got 200 but readers see the older text")
    check(failures)


def test_parallel_password_guesses_get_only_the_allowed_checks(app, people):
    guesses = 40
    clients = [app.test_client() for _ in range(guesses)]
    tokens = [page_token(c, "/login") for c in clients]
    racer = Racer(guesses)
    try:
        answers = racer.run(
            *(
                partial(c.post, "/login", data={"username": "maria", "password": "guess", "csrf_token": t})
                for c, t in zip(clients, tokens, strict=True)
            )
        )
    finally:
        racer.pool.shutdown()
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {401: 5, 429: guesses - 5}


def test_one_address_is_limited_across_names(app, people):
    client = app.test_client()
    token = page_token(client, "/login")
    statuses = [
        client.post("/login", data={"username": f"guess{n}", "password": "x", "csrf_token": token}).status_code
        for n in range(MAX_ADDRESS_LOGINS + 3)
    ]
    assert statuses == [401] * MAX_ADDRESS_LOGINS + [429] * 3
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(elsewhere, "maria").status_code == 302  # another address is not locked out
