"""What readers may see: embargoed stories appear at their time, withdrawn ones leave everywhere at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service import embargo, site
from service.app import create_app
from service.models import Post, PostEvent
from tests.factories import submit
from workers.drafting import draft_translation

TITLE = "Zeppelin landing planned"  # a rare word, so search finds only this story


@pytest.fixture
def reader_app(settings):
    """The app with pages cached as in production, but generations re-read on every request."""
    return create_app(settings.with_(page_cache_recheck=0.0))


def publish(client, people, sessions, settings, **story) -> dict:
    post = submit(client, people.editor, title=TITLE, target_locales=["es"], tags=["aviation"], **story).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    tid = post["translations"][0]["id"]
    client.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    assert client.post(f"/api/v1/translations/{tid}/approve", headers=people.maria.auth).status_code == 200
    return post


def seen(client, locale: str, slug: str) -> dict[str, bool]:
    """Where a reader finds the story in one locale."""
    post = client.get(f"/{locale}/posts/{slug}")
    places = {
        "post page": post.status_code == 200,
        "home": f"/posts/{slug}" in client.get(f"/{locale}/").get_data(as_text=True),
        "tag page": f"/posts/{slug}"
        in client.get(f"/{locale}/tag/aviation", follow_redirects=True).get_data(as_text=True),
        "feed": f"/posts/{slug}" in client.get(f"/{locale}/feed.xml").get_data(as_text=True),
        "sitemap": f"/{locale}/posts/{slug}" in client.get("/sitemap.xml").get_data(as_text=True),
        "search": f"/posts/{slug}" in client.get(f"/{locale}/search?q=zeppelin").get_data(as_text=True),
    }
    places["status"] = post.status_code
    return places


def everywhere(status: int) -> dict:
    return dict.fromkeys(["post page", "home", "tag page", "feed", "sitemap", "search"], status == 200) | {
        "status": status
    }


def test_embargoed_story_is_invisible_until_its_time_then_appears_everywhere_together(
    reader_app, people, sessions, settings, monkeypatch
):
    client = reader_app.test_client()
    moment = datetime.now(UTC) + timedelta(hours=1)
    post = publish(client, people, sessions, settings, published_at=moment.isoformat())
    # Spanish is drafted and approved meanwhile, and every page is looked at (and cached) before the time.
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(404)
    assert client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json()["embargoed"] is True
    with sessions() as session:
        assert embargo.lift_due(session) == []  # not yet

    # The time comes (the clock moves on instead of the test sleeping an hour).
    later = moment + timedelta(seconds=1)
    monkeypatch.setattr(site, "utcnow", lambda: later)
    monkeypatch.setattr(embargo, "utcnow", lambda: later)
    with sessions() as session:
        assert embargo.lift_due(session) == [post["id"]]  # the beat task's work
        session.commit()
        assert embargo.lift_due(session) == []
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(200)


def test_withdraw_takes_every_locale_off_the_site_and_restore_brings_it_back(reader_app, people, sessions, settings):
    client = reader_app.test_client()
    post = publish(client, people, sessions, settings)
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(200)

    url = f"/api/v1/posts/{post['id']}"
    assert client.post(f"{url}/withdraw", headers=people.maria.auth).status_code == 403
    withdrawn = client.post(f"{url}/withdraw", headers=people.editor.auth)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn"] is True
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(410)
    assert "Este artículo fue retirado" in client.get(f"/es/posts/{post['slug']}").get_data(as_text=True)

    assert client.post(f"{url}/restore", headers=people.editor.auth).status_code == 200
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(200)

    assert client.post(f"{url}/withdraw", json={"locales": ["es"]}, headers=people.editor.auth).status_code == 200
    assert seen(client, "es", post["slug"]) == everywhere(410)
    assert seen(client, "en", post["slug"]) == everywhere(200)
    bad = client.post(f"{url}/withdraw", json={"locales": ["xx"]}, headers=people.editor.auth)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "locales"
    assert client.post(f"{url}/restore", json={"locales": ["es"]}, headers=people.editor.auth).status_code == 200
    assert seen(client, "es", post["slug"]) == everywhere(200)

    history = client.get(url, headers=people.editor.auth).get_json()["history"]
    assert [(e["action"], e["by"]) for e in history] == [
        ("withdrawn", "editor"),
        ("restored", "editor"),
        ("withdrawn", "editor"),
        ("restored", "editor"),
    ]


def test_a_locale_not_published_yet_cannot_be_withdrawn_and_nothing_is_recorded(reader_app, people, sessions, settings):
    """Withdrawing Spanish before it is published would do nothing now and be forgotten when it is
    published: the request is refused, naming the field, and the history stays empty."""
    client = reader_app.test_client()
    post = submit(client, people.editor, title=TITLE, target_locales=["es"]).get_json()
    url = f"/api/v1/posts/{post['id']}"
    refused = client.post(f"{url}/withdraw", json={"locales": ["es"]}, headers=people.editor.auth)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "locales"
    assert "not published yet" in refused.get_json()["error"]["message"]
    assert client.get(url, headers=people.editor.auth).get_json()["history"] == []
    assert client.get(f"/en/posts/{post['slug']}").status_code == 200  # the original stays up


def test_only_admins_delete_and_the_deletion_stays_on_record(reader_app, people, sessions, settings):
    client = reader_app.test_client()
    post = publish(client, people, sessions, settings)
    url = f"/api/v1/posts/{post['id']}"
    assert client.delete(url, headers=people.editor.auth).status_code == 403
    assert client.delete(url, headers=people.admin.auth).status_code == 204
    assert client.get(url, headers=people.editor.auth).status_code == 404
    assert client.patch(url, json={"title": "Back"}, headers=people.editor.auth).status_code == 404
    assert client.delete(url, headers=people.admin.auth).status_code == 404
    for locale in ("en", "es"):
        assert seen(client, locale, post["slug"]) == everywhere(404)
    with sessions() as session:
        assert session.get(Post, post["id"]) is None
        events = session.scalars(select(PostEvent).where(PostEvent.post_id == post["id"])).all()
        assert [(e.action, e.actor.username) for e in events] == [("deleted", "admin")]
