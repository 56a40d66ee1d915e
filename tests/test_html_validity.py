"""Every kind of page passes the W3C Nu HTML checker (vnu-jar from npm, on the machine's Java)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from service.app import create_app
from tests.conftest import ROOT
from tests.factories import page_token, sign_in
from tests.test_reader_site import STORIES, publish_story

VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_reader_and_newsroom_pages_have_no_html_errors(settings, people, sessions, tmp_path):
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail(
            "the Nu HTML checker needs java and .tools/node_modules/vnu-jar: run scripts/test.sh (it installs them)"
        )
    app = create_app(settings.with_(posts_per_page=2))
    client = app.test_client()
    posts = [publish_story(client, people, sessions, settings, story) for story in STORIES]
    slug = posts[1]["slug"]
    pages = (
        {f"home-{loc}": f"/{loc}/" for loc in ("en", "es", "fa")}
        | {f"post-{loc}": f"/{loc}/posts/{slug}" for loc in ("en", "es", "fa")}
        | {
            "home-page-2": "/en/?page=2",
            "tag-es": "/es/tag/city",
            "tag-fa": "/fa/tag/city",
            "category-en": "/en/category/local",
            "search-en": "/en/search?q=floods",
            "search-empty-fa": "/fa/search",
            "missing-post-fr": f"/fr/posts/{slug}",
            "missing-page-de": "/de/nothing",
        }
    )
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        (tmp_path / f"{name}.html").write_bytes(response.get_data())
    newsroom = app.test_client()
    sign_in(newsroom, "maria")
    translation = next(t for t in posts[1]["translations"] if t["locale"] == "es")
    for name, path in {
        "login": "/login",
        "queue": "/review",
        "editor": f"/review/{translation['id']}",
        "terms": "/review/terms",
        "preview": f"/review/{translation['id']}/preview",
    }.items():
        client_for = newsroom if name != "login" else app.test_client()
        (tmp_path / f"{name}.html").write_bytes(client_for.get(path).get_data())
    token = page_token(newsroom, f"/review/{translation['id']}")
    comment = {"csrf_token": token, "body": "@editor <b>check</b> this", "position": "1"}
    newsroom.post(f"/translations/{translation['id']}/comments", data=comment)
    sign_in(newsroom, "editor")
    assert page_token(newsroom, "/editor")
    (tmp_path / "notifications.html").write_bytes(newsroom.get("/notifications").get_data())
    (tmp_path / "discussion.html").write_bytes(newsroom.get(f"/translations/{translation['id']}/comments").get_data())
    (tmp_path / "desk.html").write_bytes(newsroom.get("/editor").get_data())
    token = page_token(newsroom, "/glossary")
    newsroom.post("/glossary", data={"csrf_token": token, "source_term": "Meta", "target_locale": "*", "keep": "yes"})
    (tmp_path / "glossary.html").write_bytes(newsroom.get("/glossary").get_data())

    admin = app.test_client()
    sign_in(admin, "admin")
    (tmp_path / "models.html").write_bytes(admin.get("/admin/models").get_data())
    (tmp_path / "webhooks.html").write_bytes(admin.get("/admin/webhooks").get_data())

    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == [], "\n".join(errors)
