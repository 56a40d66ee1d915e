"""Bad input gets a clear 4xx naming the field, in the documented shape, never a 500, and nothing half-stored.

One table, API and web forms alike: NUL bytes and lone surrogates anywhere, ids beyond 64 bits,
negative segment numbers, wrong methods (with `Allow`), labels that show nothing, nesting too
deep for the JSON parser, and posts with more segments than the limit.
"""

from __future__ import annotations

import dataclasses
import json

import html5lib
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from service.app import create_app
from service.db import make_engine, make_session_factory
from service.models import Post, PublishedPage, Translation
from service.settings import Settings, load_settings
from tests import factories
from tests.conftest import fresh_database, make_env
from tests.factories import page_token, sign_in, story, submit
from workers.drafting import draft_translation

BIG = 2**63
INVISIBLE = "\u200b\u200d\u200f\u202e\u2066\ufeff"  # zero-width space and joiner, RLM, RLO, LRI, BOM


@dataclasses.dataclass
class Case:
    """One request; {tid} is a drafted Spanish translation claimed by maria."""

    who: str  # a person with an API token, or "web:<name>" for a signed-in browser, or "anyone"
    method: str
    path: str
    status: int
    code: str | None = None  # the JSON error code (API), or None for a page
    field: str | None = None
    json: object = None
    raw: str | None = None  # a JSON body sent as is (lone surrogates cannot be written by json.dumps)
    form: dict = dataclasses.field(default_factory=dict)
    page_says: str | None = None  # text the page must show


def post_with(**overrides) -> dict:
    return story(target_locales=["es"], **overrides)


def raw_post(**fields: object) -> str:
    """A post whose "@" strings become a lone surrogate (json.dumps cannot write one)."""
    return json.dumps(post_with(**fields)).replace('"@"', '"\\ud800"')


CASES = {
    # NUL bytes anywhere
    "api-nul-title": Case("editor", "POST", "/api/v1/posts", 422, "invalid", "title", json=post_with(title="A\x00B")),
    "api-nul-body": Case(
        "editor", "POST", "/api/v1/posts", 422, "invalid", "body", json=post_with(body="<p>x\x00</p>")
    ),
    "api-nul-lede": Case("editor", "POST", "/api/v1/posts", 422, "invalid", "lede", json=post_with(lede="x\x00")),
    "api-nul-author": Case("editor", "POST", "/api/v1/posts", 422, "invalid", "author", json=post_with(author="\x00")),
    "api-nul-tag": Case("editor", "POST", "/api/v1/posts", 422, "invalid", "tags", json=post_with(tags=["a", "b\x00"])),
    "api-nul-query": Case("maria", "GET", "/api/v1/translations?locale=e%00s", 422, "invalid", "locale"),
    "api-nul-segment": Case(
        "maria",
        "PATCH",
        "/api/v1/translations/{tid}/segments/0",
        422,
        "invalid",
        "text",
        json={"text": "a\x00", "version": 1},
    ),
    "api-nul-comment": Case(
        "maria", "POST", "/api/v1/translations/{tid}/reject", 422, "invalid", "comment", json={"comment": "no\x00"}
    ),
    # lone surrogates in JSON
    "api-surrogate-title": Case("editor", "POST", "/api/v1/posts", 422, "invalid", "title", raw=raw_post(title="@")),
    "api-surrogate-tag": Case(
        "editor", "POST", "/api/v1/posts", 422, "invalid", "tags", raw=raw_post(tags=["ok", "@"])
    ),
    "api-surrogate-segment": Case(
        "maria",
        "PATCH",
        "/api/v1/translations/{tid}/segments/0",
        422,
        "invalid",
        "text",
        raw='{"text": "\\udc00", "version": 1}',
    ),
    # ids beyond what a database holds, negative positions, wrong methods
    "api-post-2^63": Case("editor", "GET", f"/api/v1/posts/{BIG}", 404, "not_found"),
    "api-post-2^63-1": Case("editor", "GET", f"/api/v1/posts/{BIG - 1}", 404, "not_found"),
    "api-post-2^31": Case("editor", "GET", f"/api/v1/posts/{2**31}", 404, "not_found"),  # beyond INTEGER
    "api-translation-2^64": Case("maria", "GET", f"/api/v1/translations/{BIG * 2}", 404, "not_found"),
    "api-segment-negative": Case(
        "maria", "PATCH", "/api/v1/translations/{tid}/segments/-1", 404, "not_found", json={"text": "x", "version": 1}
    ),
    "api-405": Case("editor", "DELETE", "/api/v1/posts", 405, "method_not_allowed"),
    # labels that show nothing; JSON nested deeper than the parser goes; too many segments
    "api-invisible-title": Case(
        "editor", "POST", "/api/v1/posts", 422, "invalid", "title", json=post_with(title=INVISIBLE)
    ),
    "api-invisible-tag": Case(
        "editor", "POST", "/api/v1/posts", 422, "invalid", "tags", json=post_with(tags=["ok", INVISIBLE])
    ),
    "api-invisible-author": Case(
        "editor", "POST", "/api/v1/posts", 422, "invalid", "author", json=post_with(author=INVISIBLE)
    ),
    "api-deep-json": Case(
        "editor", "POST", "/api/v1/posts", 400, "bad_request", "body", raw="[" * 100_000 + "]" * 100_000
    ),
    "api-too-many-segments": Case(
        "editor", "POST", "/api/v1/posts", 413, "too_large", "body", json=post_with(format="text", body="Yes. " * 2001)
    ),
    # the same through the web forms and pages
    "web-nul-title": Case(
        "web:editor",
        "POST",
        "/editor/posts",
        422,
        form={"title": "A\x00B", "body": "Text.", "target_locales": "es"},
        page_says="Title contains a character that cannot be stored",
    ),
    "web-invisible-title": Case(
        "web:editor",
        "POST",
        "/editor/posts",
        422,
        form={"title": INVISIBLE, "body": "Text.", "target_locales": "es"},
        page_says="Title has no visible characters",
    ),
    "web-too-many-segments": Case(
        "web:editor",
        "POST",
        "/editor/posts",
        413,
        form={"title": "Long", "body": "Yes. " * 2001, "format": "text", "target_locales": "es"},
        page_says="more than 2000 segments",
    ),
    "web-nul-sign-in": Case("anyone", "POST", "/login", 422, form={"username": "ma\x00ria", "password": "x"}),
    "web-nul-segment": Case(
        "web:maria",
        "POST",
        "/review/{tid}/segments/0",
        422,
        "invalid",
        "text",
        json={"text": "\x00", "version": 1},
    ),
    "web-segment-negative": Case(
        "web:maria", "POST", "/review/{tid}/segments/-1", 404, json={"text": "x", "version": 1}
    ),
    "web-review-2^63": Case("web:maria", "GET", f"/review/{BIG}", 404),
    "web-reassign-odd-user": Case("web:admin", "POST", "/review/{tid}/reassign", 400, form={"user_id": "²"}),
    "web-reassign-huge-user": Case("web:admin", "POST", "/review/{tid}/reassign", 400, form={"user_id": str(BIG)}),
    "web-405": Case("anyone", "DELETE", "/login", 405),
    "reader-nul-search": Case("anyone", "GET", "/en/search?q=a%00b", 422),
    "reader-nul-slug": Case("anyone", "GET", "/en/posts/a%00b", 404),
    "reader-odd-page": Case("anyone", "GET", "/en/?page=%C2%B2", 404),
    "reader-sitemap-2^63-1": Case("anyone", "GET", f"/sitemap-{BIG - 1}.xml", 404),
}


@dataclasses.dataclass
class World:
    settings: Settings
    sessions: sessionmaker
    app: Flask
    people: factories.People
    tid: int  # a drafted Spanish translation claimed by maria


@pytest.fixture(scope="module")
def world(tmp_path_factory, database_url, redis_server, argos_dir):
    """One database for the whole table: every case is refused, so none changes what the next sees."""
    directory = tmp_path_factory.mktemp("bad-input")
    env = make_env(fresh_database(database_url, directory), directory / "data", f"{redis_server}/1", argos_dir)
    settings = load_settings(env)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    app = create_app(settings)
    people = factories.make_people(sessions, settings)
    client = app.test_client()
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    tid = post["translations"][0]["id"]
    assert client.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth).status_code == 200
    yield World(settings, sessions, app, people, tid)
    engine.dispose()


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_refused_clearly(name, world):
    case, client, people, sessions = CASES[name], world.app.test_client(), world.people, world.sessions
    path = case.path.format(tid=world.tid)
    posts_before = count(sessions, Post)
    kwargs: dict = {"headers": {}}
    if case.who.startswith("web:"):
        sign_in(client, case.who.removeprefix("web:"))
        token = page_token(client, "/review" if case.who != "web:editor" else "/editor")
        kwargs["headers"]["X-CSRFToken"] = token
        if case.form:
            kwargs["data"] = {**case.form, "csrf_token": token}
    elif case.who == "anyone":
        if case.form:
            kwargs["data"] = {**case.form, "csrf_token": page_token(client, "/login")}
    else:
        kwargs["headers"].update(getattr(people, case.who).auth)
    if case.json is not None:
        kwargs["json"] = case.json
    if case.raw is not None:
        kwargs["data"] = case.raw.encode("utf-8", "surrogatepass")
        kwargs["headers"]["Content-Type"] = "application/json"

    response = client.open(path, method=case.method, **kwargs)

    assert response.status_code == case.status, response.get_data(as_text=True)[:500]
    if case.code:
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == (case.code, case.field)
        assert error["message"]
    if case.status == 405:
        assert {"GET", "POST"} & set(response.headers["Allow"].replace(" ", "").split(","))
    if case.page_says:
        assert case.page_says in response.get_data(as_text=True)
    assert count(sessions, Post) == posts_before  # nothing stored half


def test_bidi_overrides_in_titles_and_labels_are_neutralised(world):
    client = world.app.test_client()
    created = submit(
        client,
        world.people.editor,
        title="Report \u202egnp.exe",
        tags=["\u2067city\u2069"],
        author="Amira \u202dHaddad",
        target_locales=["es"],
    ).get_json()
    assert (created["title"], created["tags"], created["author"]) == ("Report gnp.exe", ["city"], "Amira Haddad")
    page = client.get(created["url"]).get_data(as_text=True)
    assert "Report gnp.exe" in page and "\u202e" not in page
    with world.sessions() as session:
        stored = session.scalar(select(PublishedPage.title).where(PublishedPage.post_id == created["id"]))
    assert stored == "Report gnp.exe"


def test_persian_titles_keep_their_joiners_and_marks(world):
    title = "می\u200cخواهم \u200fسلام"  # ZWNJ inside a word and an RLM are part of real Persian text
    created = submit(world.app.test_client(), world.people.editor, title=title, target_locales=["es"]).get_json()
    assert created["title"] == title


def test_a_post_at_the_segment_limit_is_accepted(world):
    limit = world.settings.max_segments
    body = "Yes. " * (limit - 1)  # plus the title
    created = submit(
        world.app.test_client(), world.people.editor, format="text", lede="", body=body, target_locales=["es"]
    )
    assert created.status_code == 201 and created.get_json()["segments"] == limit
    with world.sessions() as session:
        assert session.scalar(select(func.count()).where(Translation.post_id == created.get_json()["id"])) == 1


def test_web_error_pages_are_html_in_the_users_language(world):
    client = world.app.test_client()
    sign_in(client, "admin")
    token = page_token(client, "/editor")
    client.post("/language", data={"csrf_token": token, "locale": "fr", "next": "/editor"})
    refused = client.post("/editor/posts", data={"csrf_token": token, "title": "A\x00", "body": "B"})
    assert refused.status_code == 422
    doc = html5lib.parse(refused.get_data(as_text=True), namespaceHTMLElements=False)
    assert doc.attrib["lang"] == "fr"
    assert "Titre" in doc.find(".//main/p").text and "stock" in doc.find(".//main/p").text
