"""The newsroom desk without a browser: approving never publishes text other than what the editor
showed, bulk queue actions report each item, the live JSON, display names, words built at run time."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from service.models import Post, PublishedPage, Translation
from tests.factories import page_token, sign_in
from tests.test_web_ui import doc, drafts  # noqa: F401 - fixture


def _state(sessions, tid: int) -> str:
    with sessions() as session:
        return session.get(Translation, tid).state


def _flashes(page) -> list[str]:
    return ["".join(p.itertext()).strip() for p in page.iter("p") if "flash" in (p.get("class") or "")]


def test_approve_refuses_when_the_editor_shows_text_the_server_does_not_have(client, people, drafts, sessions):  # noqa: F811
    tid = drafts["es"]
    sign_in(client, "maria")
    client.post(f"/review/{tid}/claim", data={"csrf_token": page_token(client, f"/review/{tid}")})
    token = page_token(client, f"/review/{tid}")
    with sessions() as session:
        stored = {s.position: s.text for s in session.get(Translation, tid).segments}
    typed = {**stored, 1: "Texto nuevo que aún no llegó al servidor."}

    refused = client.post(
        f"/review/{tid}/approve", data={"csrf_token": token, "texts": json.dumps(typed)}, follow_redirects=True
    )
    assert _state(sessions, tid) == "in_review"
    with sessions() as session:
        assert session.scalars(select(PublishedPage).where(PublishedPage.locale == "es")).first() is None
    assert any("segments 2 show text that is not saved yet" in text for text in _flashes(doc(refused)))

    assert client.post(f"/review/{tid}/approve", data={"csrf_token": token, "texts": "{bad"}).status_code == 400
    approved = client.post(
        f"/review/{tid}/approve", data={"csrf_token": token, "texts": json.dumps(stored)}, follow_redirects=True
    )
    assert _state(sessions, tid) == "published"
    page = doc(approved)
    assert _flashes(page) == ["Approved and published."]  # shown on the page it belongs to, once
    assert page.find(".//a[@id='view-published']") is not None
    assert _flashes(doc(client.get("/review"))) == []  # and not again later on another page


def test_bulk_claim_and_release_report_each_draft_and_admins_reassign(client, app, people, drafts, sessions):  # noqa: F811
    lucia = app.test_client()
    sign_in(lucia, "lucia")
    lucia.post(f"/review/{drafts['es2']}/claim", data={"csrf_token": page_token(lucia, f"/review/{drafts['es2']}")})

    sign_in(client, "maria")
    token = page_token(client, "/review")
    ids = [str(drafts["es"]), str(drafts["es2"]), str(drafts["fa"])]  # held by lucia; fa is not maria's
    page = doc(
        client.post("/review/bulk", data={"csrf_token": token, "action": "claim", "ids": ids}, follow_redirects=True)
    )
    messages = _flashes(page)
    assert len(messages) == 3
    assert "City opens three new schools (Spanish): you hold it now." in messages
    assert any("not changed" in m and "lucia" in m for m in messages)
    assert any(f"Draft {drafts['fa']}: not changed" in m for m in messages)
    assert _state(sessions, drafts["es"]) == "in_review" and _state(sessions, drafts["es2"]) == "in_review"
    with sessions() as session:
        assert session.get(Translation, drafts["es2"]).claimed_by.username == "lucia"  # untouched

    client.post("/review/bulk", data={"csrf_token": token, "action": "release", "ids": [str(drafts["es"])]})
    assert _state(sessions, drafts["es"]) == "awaiting_review"
    assert client.post("/review/bulk", data={"csrf_token": token, "action": "reassign", "ids": ids}).status_code == 400

    admin = app.test_client()
    sign_in(admin, "admin")
    token = page_token(admin, "/review")
    moved = admin.post(
        "/review/bulk",
        data={"csrf_token": token, "action": "reassign", "user_id": str(people.maria.id), "ids": [str(drafts["es2"])]},
        follow_redirects=True,
    )
    assert "Heavy rain floods the old town (Spanish): reassigned." in _flashes(doc(moved))
    with sessions() as session:
        assert session.get(Translation, drafts["es2"]).claimed_by.username == "maria"


def test_live_json_follows_states_and_words_progress_per_language(client, app, people, drafts):  # noqa: F811
    sign_in(client, "editor")
    posts = {p["id"]: p for p in client.get("/editor/live.json").get_json()["posts"]}
    first = next(p for p in posts.values() if any(t["id"] == drafts["es"] for t in p["translations"]))
    assert first["summary"] == "drafted 2/2"
    maria = app.test_client()
    sign_in(maria, "maria")
    maria.post(f"/review/{drafts['es']}/claim", data={"csrf_token": page_token(maria, f"/review/{drafts['es']}")})
    posts = {p["id"]: p for p in client.get("/editor/live.json").get_json()["posts"]}
    first = posts[first["id"]]
    assert first["summary"] == "drafted 2/2 · in review 1"
    assert {t["id"]: t["label"] for t in first["translations"]}[drafts["es"]] == "In review"
    client.post("/language", data={"locale": "fa", "csrf_token": page_token(client, "/editor")})
    persian = {p["id"]: p for p in client.get("/editor/live.json").get_json()["posts"]}[first["id"]]
    assert persian["summary"] == "پیش‌نویس‌شده ۲/۲ · در بازبینی ۱"

    queue = maria.get(f"/review/live.json?ids={drafts['es']},{drafts['fa']},{drafts['es2']}").get_json()
    states = {t["id"]: (t["state"], t["held_by"]) for t in queue["translations"]}
    assert states == {drafts["es"]: ("in_review", "maria"), drafts["es2"]: ("awaiting_review", None)}  # fa: not hers


def test_display_name_is_the_default_author_and_only_admins_rename_others(client, app, people, sessions):
    sign_in(client, "editor")
    token = page_token(client, "/account")
    client.post(f"/account/{people.editor.id}/name", data={"csrf_token": token, "display_name": "  Amira   Haddad "})
    assert (
        client.post(f"/account/{people.maria.id}/name", data={"csrf_token": token, "display_name": "X"}).status_code
        == 403
    )
    too_long = client.post(
        f"/account/{people.editor.id}/name",
        data={"csrf_token": token, "display_name": "x" * 121},
        follow_redirects=True,
    )
    assert any("at most 120 characters" in m for m in _flashes(doc(too_long)))
    token = page_token(client, "/editor")
    client.post(
        "/editor/posts",
        data={"csrf_token": token, "title": "Bridge reopens", "body": "The bridge reopened.", "target_locales": "es"},
    )
    with sessions() as session:
        post = session.scalars(select(Post).order_by(Post.id.desc())).first()
        assert post.author == "Amira Haddad"
    assert "Amira Haddad" in client.get("/editor").get_data(as_text=True)  # the header names the person

    admin = app.test_client()
    sign_in(admin, "admin")
    token = page_token(admin, "/account")
    admin.post(f"/account/{people.maria.id}/name", data={"csrf_token": token, "display_name": "María López"})
    assert "María López" in admin.get("/account").get_data(as_text=True)


def test_persian_pages_word_field_names_and_history_in_persian(client, people, drafts, sessions):  # noqa: F811
    sign_in(client, "editor")
    client.post("/language", data={"locale": "fa", "csrf_token": page_token(client, "/editor")})
    token = page_token(client, "/editor")
    page = client.post(
        "/editor/posts", data={"csrf_token": token, "body": "Text.", "lede": "typed lede", "target_locales": "es"}
    )
    error = doc(page).find(".//span[@class='field-error']").text
    assert "عنوان" in error and not re.search(r"[A-Za-z]", error)
    assert doc(page).find(".//textarea[@name='lede']").text == "typed lede"  # the typed form is kept
    assert client.get("/editor/posts").status_code == 200  # reloading it (another language) is the desk, not 404

    sign_in(client, "dariush")
    client.post("/language", data={"locale": "fa", "csrf_token": page_token(client, "/review")})
    client.post(f"/review/{drafts['fa']}/claim", data={"csrf_token": page_token(client, f"/review/{drafts['fa']}")})
    client.post(
        f"/review/{drafts['fa']}/segments/0",
        json={"text": "عنوان تازه", "version": 1},
        headers={"X-CSRFToken": page_token(client, f"/review/{drafts['fa']}")},
    )
    history = [" ".join("".join(li.itertext()).split()) for li in doc(client.get(f"/review/{drafts['fa']}")).iter("li")]
    edited = [line for line in history if "بخش ۱" in line]
    assert edited and not re.search(r"[A-Za-z]", edited[0].split("—", 1)[1].replace("dariush", ""))


def test_release_reads_as_giving_the_draft_back_in_arabic(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("ar"):
        assert gettext("Release") == "إلغاء الحجز"  # it said "تحرير" (editing)
        assert gettext("released") == "ألغى الحجز"
