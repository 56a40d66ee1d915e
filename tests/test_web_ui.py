"""The newsroom web UI without a browser: roles, CSRF, sign-in limits, queue, desk, actions."""

from __future__ import annotations

from datetime import timedelta

import html5lib
import pytest
from sqlalchemy import update

from service.models import Translation, utcnow
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation


@pytest.fixture
def drafts(client, people, sessions, settings):
    """Two posts drafted into es (Apertium) and fa (Argos), one failed into ar."""
    ids = {}
    first = submit(client, people.editor, target_locales=["es", "fa"], tags=["education"]).get_json()
    second = submit(
        client, people.editor, title="Heavy rain floods the old town", target_locales=["es", "ar"], tags=["weather"]
    ).get_json()
    for post in (first, second):
        for translation in post["translations"]:
            draft_translation(sessions, settings, post["id"], translation["locale"])
            ids[(post["id"], translation["locale"])] = translation["id"]
    return {
        "es": ids[(first["id"], "es")],
        "fa": ids[(first["id"], "fa")],
        "es2": ids[(second["id"], "es")],
        "ar": ids[(second["id"], "ar")],
    }


def doc(response):
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def test_pages_send_anonymous_users_to_sign_in_and_refuse_wrong_roles(client, people, drafts):
    assert client.get("/review").headers["Location"].startswith("/login?next=/review")
    assert client.get("/editor").status_code == 302
    sign_in(client, "editor")
    assert client.get("/editor").status_code == 200
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{drafts['es']}").status_code == 403
    client.post("/logout", data={"csrf_token": page_token(client, "/editor")})
    sign_in(client, "dariush")
    assert client.get("/review").status_code == 200
    assert client.get("/editor").status_code == 403
    assert client.get(f"/review/{drafts['es']}").status_code == 404  # not one of dariush's languages
    assert client.get(f"/review/{drafts['fa']}").status_code == 200


def test_every_form_refuses_a_missing_csrf_token(client, people, drafts):
    assert client.post("/login", data={"username": "maria", "password": "x"}).status_code == 400
    sign_in(client, "admin")
    posts = [
        ("/logout", {}),
        ("/language", {"locale": "fa"}),
        ("/editor/posts", {"title": "T", "body": "B"}),
        (f"/editor/translations/{drafts['ar']}/retry", {}),
        (f"/review/{drafts['es']}/claim", {}),
        (f"/review/{drafts['es']}/approve", {}),
        (f"/review/{drafts['es']}/reject", {"comment": "no"}),
    ]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "did not come from this site" in response.get_data(as_text=True)
    saved = client.post(f"/review/{drafts['es']}/segments/0", json={"text": "x", "version": 1})
    assert saved.status_code == 400
    assert client.get("/editor").status_code == 200  # still signed in: logout without a token did nothing


def test_sign_in_is_rate_limited_and_never_redirects_off_site(client, people):
    response = sign_in(client, "maria")
    assert response.headers["Location"] == "/review"
    client.post("/logout", data={"csrf_token": page_token(client, "/review")})
    for _ in range(5):
        assert sign_in(client, "maria", "wrong password").status_code == 401
    blocked = sign_in(client, "maria")
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert sign_in(client, "lucia").status_code == 302  # other names are not locked
    client.post("/logout", data={"csrf_token": page_token(client, "/review")})
    token = page_token(client, "/login")
    evil = client.post(
        "/login?next=https://evil.example/",
        data={"username": "lucia", "password": "correct horse battery", "csrf_token": token},
    )
    assert evil.headers["Location"] == "/review"
    for target in ("//evil.example/", "/\\evil.example/", "javascript:alert(1)"):
        client.post("/logout", data={"csrf_token": page_token(client, "/review")})
        token = page_token(client, "/login")
        response = client.post(
            f"/login?next={target}",
            data={"username": "lucia", "password": "correct horse battery", "csrf_token": token},
        )
        assert response.headers["Location"] == "/review", target


def test_queue_shows_counts_filters_and_details(client, people, drafts, sessions):
    sign_in(client, "maria")
    page = doc(client.get("/review"))
    counts = {el.get("data-state"): el.text for el in page.iter("strong") if el.get("data-state")}
    assert counts["awaiting_review"] == "2"
    rows = page.findall(".//table[@class='queue']/tbody/tr")
    assert [r.find("td/a").text for r in rows] == ["City opens three new schools", "Heavy rain floods the old town"]
    first = [("".join(td.itertext())).strip() for td in rows[0].findall("td")]
    assert first[2] == "español" and first[5] == "10" and first[7] == "—"  # after the selection box
    newest = doc(client.get("/review?order=newest")).findall(".//table[@class='queue']/tbody/tr")
    assert newest[0].find("td/a").text == "Heavy rain floods the old town"
    tagged = doc(client.get("/review?tag=weather")).findall(".//table[@class='queue']/tbody/tr")
    assert [r.find("td/a").text for r in tagged] == ["Heavy rain floods the old town"]
    assert client.get("/review?state=bogus").status_code == 400


def test_claim_is_visible_to_others_and_expires(client, people, drafts, sessions, app):
    sign_in(client, "maria")
    client.post(f"/review/{drafts['es']}/claim", data={"csrf_token": page_token(client, f"/review/{drafts['es']}")})
    other = app.test_client()
    sign_in(other, "lucia")
    page = other.get(f"/review/{drafts['es']}").get_data(as_text=True)
    assert "Held by maria" in page
    refused = other.post(
        f"/review/{drafts['es']}/claim", data={"csrf_token": page_token(other, f"/review/{drafts['es']}")}
    )
    assert "being reviewed by maria" in other.get(refused.headers["Location"]).get_data(as_text=True)
    with sessions() as session:
        session.execute(
            update(Translation).where(Translation.id == drafts["es"]).values(claimed_at=utcnow() - timedelta(hours=2))
        )
        session.commit()
    other.post(f"/review/{drafts['es']}/claim", data={"csrf_token": page_token(other, f"/review/{drafts['es']}")})
    assert "Held by lucia" in other.get(f"/review/{drafts['es']}").get_data(as_text=True)


def test_reject_needs_a_comment_which_shows_in_the_queue_and_history(client, people, drafts):
    sign_in(client, "maria")
    path = f"/review/{drafts['es']}"
    client.post(f"{path}/claim", data={"csrf_token": page_token(client, path)})
    client.post(f"{path}/reject", data={"csrf_token": page_token(client, path), "comment": ""})
    assert "needs a comment" in client.get(path).get_data(as_text=True)
    client.post(f"{path}/reject", data={"csrf_token": page_token(client, path), "comment": "Wrong tone in the title"})
    queue = client.get("/review").get_data(as_text=True)
    assert "Rejected: Wrong tone in the title" in queue
    history = [
        " ".join("".join(li.itertext()).split()) for li in doc(client.get(path)).findall(".//ol[@class='history']/li")
    ]
    assert any("maria: rejected (Wrong tone in the title)" in entry for entry in history)
    assert any("maria: claimed" in entry for entry in history)


def test_admin_reassigns_a_draft(client, people, drafts):
    sign_in(client, "admin")
    path = f"/review/{drafts['es']}"
    client.post(f"{path}/reassign", data={"csrf_token": page_token(client, path), "user_id": people.lucia.id})
    assert "Held by lucia" in client.get(path).get_data(as_text=True)


def test_editors_desk_validates_like_the_api_and_keeps_the_input(client, people, drafts):
    sign_in(client, "editor")
    token = page_token(client, "/editor")
    bad = client.post(
        "/editor/posts",
        data={
            "csrf_token": token,
            "title": "Kept title",
            "body": "Body",
            "target_locales": ["es"],
            "published_at": "soon",
        },
    )
    assert bad.status_code == 422
    page = doc(bad)
    errors = page.findall(".//span[@class='field-error']")
    assert len(errors) == 1 and "published_at" in errors[0].text
    assert page.find(".//input[@name='title']").get("value") == "Kept title"
    good = client.post(
        "/editor/posts",
        data={
            "csrf_token": token,
            "title": "Museum reopens",
            "body": "The museum reopens.",
            "format": "text",
            "target_locales": ["es", "fa"],
            "tags": "culture, city",
        },
    )
    assert good.status_code == 303
    desk = doc(client.get("/editor"))
    titles = [a.text for a in desk.findall(".//table[@class='posts']/tbody/tr/td[1]/a")]
    assert titles == ["Museum reopens", "Heavy rain floods the old town", "City opens three new schools"]
    rain = desk.find(".//tr[@data-post]/..").findall("tr")[1]
    failed = rain.find(".//li[@data-locale='ar']")
    sentence = "".join(failed.itertext())
    assert "No Arabic translation model is installed. An administrator can install one" in sentence
    assert "no Argos package" not in sentence and "Error" not in sentence  # the detail is for admins
    assert failed.find(".//button").text == "Retry"
    assert rain.find(".//progress").get("value") == "20"  # es drafted (40), ar failed (0)


def test_retry_requeues_a_failed_translation(client, people, drafts, sessions):
    sign_in(client, "editor")
    response = client.post(
        f"/editor/translations/{drafts['ar']}/retry", data={"csrf_token": page_token(client, "/editor")}
    )
    assert response.status_code == 303
    with sessions() as session:
        assert session.get(Translation, drafts["ar"]).state == "queued"


def test_ui_language_is_chosen_by_the_user_and_dates_are_localised(client, people, drafts):
    sign_in(client, "dariush")
    client.post("/language", data={"csrf_token": page_token(client, "/review"), "locale": "fa", "next": "/review"})
    page = doc(client.get("/review"))
    assert page.attrib == {"lang": "fa", "dir": "rtl"}
    assert page.find(".//h1").text == "صف بازبینی"
    waiting = page.find(".//table[@class='queue']/tbody/tr/td[5]/time").text
    assert "پیش" in waiting
    assert doc(client.get("/review?locale=fa")).find(".//table[@class='queue']/tbody/tr/td[6]").text == "۱۰"


def _fill(rule: str, values: dict) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


NEWSROOM = ("auth.", "editor.", "review_queue.", "glossary.")
ROLE_OF_BLUEPRINT = {
    "editor": {"editor", "admin"},
    "review_queue": {"translator", "admin"},
    "glossary": {"translator", "editor", "admin"},
}


def test_every_newsroom_form_refuses_a_missing_csrf_token(client, app, people, drafts):
    """Walks the URL map, so a form added later is covered without editing this test."""
    sign_in(client, "admin")
    posts = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(NEWSROOM) and "POST" in r.methods]
    assert len(posts) >= 8
    for rule in posts:
        response = client.post(
            _fill(
                rule.rule,
                {
                    "translation_id": drafts["es"],
                    "position": 0,
                    "action": "claim",
                    "term_id": 1,
                    "locale": "es",
                    "entry_id": 1,
                    "post_id": 1,
                },
            ),
            data={"name": "x"},
        )
        assert response.status_code == 400, rule.rule


@pytest.mark.parametrize("username", ["editor", "maria", "admin"])
def test_every_newsroom_page_checks_the_role(client, app, people, drafts, username):
    sign_in(client, username)
    role = {"editor": "editor", "maria": "translator", "admin": "admin"}[username]
    pages = [
        r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ROLE_OF_BLUEPRINT and "GET" in r.methods
    ]
    assert len(pages) >= 5
    for rule in pages:
        url = _fill(rule.rule, {"translation_id": drafts["es"], "post_id": 1, "action": "withdraw"})
        allowed = role in ROLE_OF_BLUEPRINT[rule.endpoint.split(".")[0]]
        assert client.get(url).status_code == (200 if allowed else 403), (username, url)
    token = page_token(client, "/login")
    claim = client.post(f"/review/{drafts['es']}/claim", data={"csrf_token": token})
    assert claim.status_code == (403 if role == "editor" else 303)  # forms check the role too
