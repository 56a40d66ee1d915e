"""The reader site as readers and machines meet it: archives, search, feeds, sitemap, caching."""

from __future__ import annotations

import feedparser
import html5lib
import pytest
from lxml import etree

from service import sitemap
from service.app import create_app
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
STORIES = [
    {
        "title": "Heavy rain floods the old town",
        "lede": "Streets were closed on Monday night.",
        "body": "The fire service pumped water from 40 houses.",
        "tags": ["weather", "city"],
        "categories": ["Local"],
        "published_at": "2026-11-20T08:00:00Z",
    },
    {
        "title": "City opens three new schools",
        "lede": "The schools will take 1,200 pupils.",
        "body": "Parents worried about rain and floods in the north asked for safe roads.",
        "tags": ["education", "city"],
        "categories": ["Local"],
        "published_at": "2026-11-21T08:00:00Z",
    },
    {
        "title": "Museum reopens after renovation",
        "lede": "The doors open again after two years.",
        "body": "Entry is free for children.",
        "tags": ["culture"],
        "categories": ["Culture"],
        "published_at": "2026-11-22T08:00:00Z",
    },
]


def publish_story(client, people, sessions, settings, story: dict, locales=("es", "fa")) -> dict:
    post = submit(client, people.editor, format="text", target_locales=list(locales), **story).get_json()
    translators = {"es": people.maria, "fa": people.dariush, "de": people.dariush}
    for translation in post["translations"]:
        draft_translation(sessions, settings, post["id"], translation["locale"])
        person = translators[translation["locale"]]
        client.post(f"/api/v1/translations/{translation['id']}/claim", headers=person.auth)
        assert client.post(f"/api/v1/translations/{translation['id']}/approve", headers=person.auth).status_code == 200
    return post


@pytest.fixture
def newsroom(settings, people, sessions):
    """Three stories published in en (source), es and fa; two posts per page."""
    settings = settings.with_(posts_per_page=2)
    app = create_app(settings)
    client = app.test_client()
    posts = [publish_story(client, people, sessions, settings, story) for story in STORIES]
    return app, client, posts


def parse(response):
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def titles(doc) -> list[str]:
    return [a.text for a in doc.findall(".//ol[@class='post-list']/li/h2/a")]


def test_home_lists_latest_first_paginated_with_recent_posts(newsroom):
    _app, client, _posts = newsroom
    first = parse(client.get("/en/"))
    assert titles(first) == ["Museum reopens after renovation", "City opens three new schools"]
    assert first.find(".//a[@rel='prev']") is None
    second = parse(client.get(first.find(".//a[@rel='next']").get("href")))
    assert titles(second) == ["Heavy rain floods the old town"]
    assert second.find(".//a[@rel='next']") is None
    assert titles(parse(client.get(second.find(".//a[@rel='prev']").get("href")))) == titles(first)
    assert client.get("/en/?before=zero").status_code == 404
    recent = [a.text for a in first.findall(".//aside[@class='recent']//a")]
    assert recent == [
        "Museum reopens after renovation",
        "City opens three new schools",
        "Heavy rain floods the old town",
    ]
    persian = parse(client.get("/fa/"))
    assert persian.attrib == {"lang": "fa", "dir": "rtl"}
    assert persian.find(".//ol[@class='post-list']//time").text == "۱ آذر ۱۴۰۵"
    assert persian.find(".//aside[@class='recent']//a") is not None
    hreflangs = sorted(link.get("hreflang") for link in first.findall(".//link[@hreflang]"))
    assert hreflangs == ["ar", "de", "en", "es", "fa", "fr", "x-default"]


def test_archives_have_localised_names_stable_slugs_and_translator_corrections(newsroom, people):
    app, client, _posts = newsroom
    city = parse(client.get("/es/tag/city"))
    assert city.find(".//h1").text == "Entradas con la etiqueta «ciudad»"
    links = [a.get("href") for a in city.findall(".//ol[@class='post-list']/li/h2/a")]
    assert links == [f"/es/posts/{_posts[1]['slug']}", f"/es/posts/{_posts[0]['slug']}"]
    assert city.find(".//a[@rel='next']") is None
    assert parse(client.get("/en/category/local")).find(".//h1").text == "Posts in Local"
    assert titles(parse(client.get("/en/category/culture"))) == ["Museum reopens after renovation"]
    assert client.get("/es/tag/no-such-tag").status_code == 404

    translator = app.test_client()
    sign_in(translator, "maria")
    page = parse(translator.get("/review/terms"))
    assert page.find(".//tr[@data-term='city']//input[@name='name'][@lang='es']").get("value") == "ciudad"
    token = page_token(translator, "/review/terms")
    from service.models import Term

    with app.app_context():
        from service.web.database import get_session

        term_id = get_session().query(Term).filter_by(slug="city", kind="tag").one().id
    saved = translator.post(f"/review/terms/{term_id}/es", data={"csrf_token": token, "name": "Ciudad y vecinos"})
    assert saved.status_code == 303
    assert parse(client.get("/es/tag/city")).find(".//h1").text == "Entradas con la etiqueta «Ciudad y vecinos»"
    tags = parse(client.get(f"/es/posts/{_posts[1]['slug']}")).findall(".//a[@rel='tag']")
    assert "Ciudad y vecinos" in [a.text for a in tags]
    refused = translator.post(f"/review/terms/{term_id}/fa", data={"csrf_token": token, "name": "شهر"})
    assert refused.status_code == 303 and "شهر" not in client.get("/fa/tag/city").get_data(as_text=True)


def test_search_ranks_title_matches_first_and_highlights_snippets(newsroom):
    _app, client, _posts = newsroom
    doc = parse(client.get("/en/search?q=floods"))
    results = doc.findall(".//ol[@class='search-results']/li")
    assert [r.find("h2/a").text for r in results] == ["Heavy rain floods the old town", "City opens three new schools"]
    snippet = results[1].find("p[@class='snippet']")
    assert [m.text.lower() for m in snippet.findall("mark")] == ["floods"]
    assert "2 results for “floods”" in doc.find(".//main/p").text
    assert parse(client.get("/en/search?q=floods+museum")).findall(".//ol[@class='search-results']/li") == []
    assert parse(client.get("/en/search?q=%22%3Cscript%3E")).find(".//ol[@class='search-results']") is not None
    spanish = parse(client.get("/es/search?q=museo")).findall(".//ol[@class='search-results']/li")
    assert len(spanish) == 1


def test_feeds_parse_as_atom_per_locale_and_per_tag(newsroom):
    _app, client, posts = newsroom
    feed = feedparser.parse(client.get("/es/feed.xml").get_data())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.language == "es"
    assert [e.link for e in feed.entries] == [f"http://localhost/es/posts/{p['slug']}" for p in reversed(posts)]
    assert feed.entries[0].published.startswith("2026-11-22T08:00:00")
    assert "<p>" in feed.entries[0].content[0].value
    tag_feed = feedparser.parse(client.get("/en/tag/city/feed.xml").get_data())
    assert tag_feed.bozo == 0 and len(tag_feed.entries) == 2
    assert tag_feed.feed.title == "Tarjama: city"
    assert client.get("/en/tag/nothing/feed.xml").status_code == 404


def sitemap_urls(body: bytes) -> list[etree._Element]:
    root = etree.fromstring(body)
    assert root.tag == f"{{{SITEMAP}}}urlset"
    return root.findall(f"{{{SITEMAP}}}url")


def test_sitemap_lists_every_page_with_alternates_and_lastmod(newsroom):
    _app, client, posts = newsroom
    urls = sitemap_urls(client.get("/sitemap.xml").get_data())
    assert len(urls) == 3 * 3
    first = urls[0]
    assert first.find(f"{{{SITEMAP}}}loc").text == f"http://localhost/en/posts/{posts[0]['slug']}"
    assert first.find(f"{{{SITEMAP}}}lastmod").text.endswith("Z")
    alternates = {link.get("hreflang"): link.get("href") for link in first.findall(f"{{{XHTML}}}link")}
    assert set(alternates) == {"en", "es", "fa", "x-default"}
    assert all(link.get("rel") == "alternate" for link in first.findall(f"{{{XHTML}}}link"))
    assert alternates["x-default"] == alternates["en"]


def test_large_sitemap_becomes_an_index_of_parts(newsroom, monkeypatch):
    _app, client, posts = newsroom
    monkeypatch.setattr(sitemap, "POSTS_PER_PART", 2)  # 3 posts: parts of 2 and 1
    index = etree.fromstring(client.get("/sitemap.xml").get_data())
    assert index.tag == f"{{{SITEMAP}}}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{{{SITEMAP}}}loc")]
    assert parts == ["http://localhost/sitemap-1.xml", "http://localhost/sitemap-2.xml"]
    assert all(lastmod.text.endswith("Z") for lastmod in index.iter(f"{{{SITEMAP}}}lastmod"))
    assert len(sitemap_urls(client.get("/sitemap-1.xml").get_data())) == 6
    assert len(sitemap_urls(client.get("/sitemap-2.xml").get_data())) == 3
    assert client.get("/sitemap-3.xml").status_code == 404


def test_root_negotiates_the_language_and_unknown_pages_are_localised_404s(newsroom):
    _app, client, _posts = newsroom
    persian = client.get("/", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    assert persian.status_code == 302 and persian.headers["Location"] == "/fa/"
    assert "Accept-Language" in persian.headers["Vary"]
    assert client.get("/", headers={"Accept-Language": "ja"}).headers["Location"] == "/en/"
    missing = client.get("/fr/nothing/here")
    assert missing.status_code == 404 and parse(missing).find(".//h1").text == "Page introuvable"
    tagless = client.get("/de/tag/no-such-tag")
    assert tagless.status_code == 404 and parse(tagless).find(".//h1").text == "Seite nicht gefunden"


def test_robots_canonical_and_open_graph(newsroom):
    _app, client, posts = newsroom
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /review" in robots and "Sitemap: http://localhost/sitemap.xml" in robots
    doc = parse(client.get(f"/fa/posts/{posts[0]['slug']}"))
    meta = {m.get("property"): m.get("content") for m in doc.findall(".//meta[@property]")}
    assert meta["og:locale"] == "fa_IR" and meta["og:type"] == "article"
    assert meta["og:url"] == f"http://localhost/fa/posts/{posts[0]['slug']}"
    assert sorted(m.get("content") for m in doc.findall(".//meta[@property='og:locale:alternate']")) == [
        "en_US",
        "es_ES",
    ]
    assert doc.find(".//link[@rel='canonical']").get("href") == meta["og:url"]


def test_pages_are_cached_answer_304_and_change_when_the_locale_is_republished(newsroom, people, sessions, settings):
    _app, client, posts = newsroom
    post = posts[2]
    es = next(t for t in post["translations"] if t["locale"] == "es")
    urls = ["/es/", f"/es/posts/{post['slug']}", "/es/category/culture", "/es/feed.xml"]
    first = {url: client.get(url) for url in urls}
    for url, response in first.items():
        assert response.headers["ETag"] and response.headers["Last-Modified"], url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
    since = client.get(urls[0], headers={"If-Modified-Since": first[urls[0]].headers["Last-Modified"]})
    assert since.status_code == 304

    client.post(f"/api/v1/translations/{es['id']}/claim", headers=people.maria.auth)
    client.patch(
        f"/api/v1/translations/{es['id']}/segments/0",
        headers=people.maria.auth,
        json={"text": "El museo vuelve a abrir", "version": 1},
    )
    assert (
        client.post(f"/api/v1/translations/{es['id']}/approve", headers=people.maria.auth).get_json()["state"]
        == "published"
    )
    for url, response in first.items():
        fresh = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert fresh.status_code == 200, url
        assert "El museo vuelve a abrir" in fresh.get_data(as_text=True), url
    english = client.get("/en/category/culture")
    assert english.status_code == 200 and "El museo" not in english.get_data(as_text=True)


def test_behind_a_trusted_proxy_links_use_the_public_address(settings, people, sessions):
    app = create_app(settings.with_(trusted_proxies=1))
    client = app.test_client()
    publish_story(client, people, sessions, settings, STORIES[0], locales=("es",))
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example.org", "X-Forwarded-For": "203.0.113.9"}
    urls = sitemap_urls(client.get("/sitemap.xml", headers=headers).get_data())
    assert urls[0].find(f"{{{SITEMAP}}}loc").text.startswith("https://news.example.org/en/posts/")
