"""Reader pages that stay right and cheap as the archive grows: keyset navigation, few queries,
cache hits without the database, sitemap parts invalidated one at a time."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import html5lib
import pytest
from lxml import etree
from sqlalchemy import event

from service import sitemap
from service.app import create_app
from tests.conftest import ROOT, make_env
from tests.factories import submit

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def parse(response):
    assert response.status_code == 200, response.status_code
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def titles(doc) -> list[str]:
    return [a.text for a in doc.findall(".//ol[@class='post-list']/li/h2/a")]


def link(doc, rel: str) -> str | None:
    found = doc.find(f".//nav[@class='pagination']/a[@rel='{rel}']")
    return None if found is None else found.get("href")


def publish(client, people, number: int, tags=("city",), **fields) -> None:
    """A post published in English at intake (its source page), dated by its number."""
    response = submit(
        client,
        people.editor,
        title=f"Story number {number}",
        tags=list(tags),
        target_locales=["es"],
        published_at=f"2026-10-{number:02d}T08:00:00Z",
        **fields,
    )
    assert response.status_code == 201


@contextmanager
def counted_queries(app):
    """The SQL statements the app's engine runs inside the block."""
    engine = app.extensions["tarjama.sessions"].kw["bind"]
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def walk(client, url: str, rel: str) -> list[list[str]]:
    """Titles page by page, following one pagination link until there is none."""
    pages = []
    while url:
        doc = parse(client.get(url))
        pages.append(titles(doc))
        url = link(doc, rel)
    return pages


@pytest.fixture
def archive(settings, people):
    app = create_app(settings.with_(posts_per_page=3))
    client = app.test_client()
    for number in range(1, 8):
        publish(client, people, number, tags=("city",) if number % 2 else ("city", "rain"))
    return app, client


@pytest.mark.parametrize("listing", ["/en/", "/en/tag/city"])
def test_older_and_newer_links_reach_every_post_once_even_while_posts_are_published(archive, people, listing):
    _app, client = archive
    first = parse(client.get(listing))
    assert titles(first) == ["Story number 7", "Story number 6", "Story number 5"]
    publish(client, people, 8)  # a reader has page 1 open when a new story comes out
    older = walk(client, link(first, "next"), "next")
    assert [titles(first), *older] == [
        ["Story number 7", "Story number 6", "Story number 5"],
        ["Story number 4", "Story number 3", "Story number 2"],
        ["Story number 1"],
    ]
    last = parse(client.get(link(first, "next")))  # back up from an older page, newer link by newer link
    last = parse(client.get(link(last, "next")))
    newer = walk(client, link(last, "prev"), "prev")
    seen = [title for page in [titles(last), *newer] for title in page]
    assert sorted(seen) == sorted(f"Story number {n}" for n in range(1, 9))
    assert len(seen) == len(set(seen)) == 8
    assert newer[-1][0] == "Story number 8"


def test_a_deep_cursor_past_the_end_or_a_broken_one_is_404(archive):
    _app, client = archive
    assert client.get("/en/?before=20200101T000000000000-1").status_code == 404
    assert client.get("/en/tag/city?after=yesterday").status_code == 404
    assert client.get("/en/?page=2").status_code == 404  # numbered pages are gone: links carry cursors
    newest = parse(client.get("/en/?after=20300101T000000000000-1"))  # nothing newer: the first page
    assert titles(newest) == ["Story number 7", "Story number 6", "Story number 5"]


def test_an_uncached_post_page_runs_at_most_five_queries_and_a_cached_one_none(settings, people):
    app = create_app(settings)
    client = app.test_client()
    publish(client, people, 1, tags=("city", "rain", "schools", "council"), categories=["Local", "Politics"])
    publish(client, people, 2)
    with counted_queries(app) as uncached:
        page = parse(client.get("/en/posts/story-number-1"))
    assert len(uncached) <= 5, uncached
    assert [a.text for a in page.findall(".//a[@rel='tag']")] == ["city", "rain", "schools", "council"]
    assert page.find(".//aside[@class='recent']//a").text == "Story number 2"
    with counted_queries(app) as cached:
        assert client.get("/en/posts/story-number-1").status_code == 200
    assert cached == []


def test_a_cached_page_changes_when_another_process_publishes(settings, people, tmp_path, redis_server, argos_dir):
    app = create_app(settings)
    client = app.test_client()
    publish(client, people, 1)
    assert titles(parse(client.get("/en/"))) == ["Story number 1"]
    script = (
        "from service.app import create_app; from service.settings import load_settings;\n"
        "client = create_app(load_settings()).test_client()\n"
        f"response = client.post('/api/v1/posts', headers={{'Authorization': 'Bearer {people.editor.token}'}}, json={{"
        "'title': 'Story from elsewhere', 'body': 'Text.', 'target_locales': ['es'],"
        "'published_at': '2026-10-20T08:00:00Z'})\n"
        "assert response.status_code == 201, response.get_data()\n"
    )
    env = make_env(settings.database_url, tmp_path / "other", f"{redis_server}/1", argos_dir)
    subprocess.run([sys.executable, "-c", script], env={"PYTHONPATH": str(ROOT), **env}, check=True, cwd=ROOT)
    deadline = time.monotonic() + 30 * settings.page_cache_recheck
    while (shown := titles(parse(client.get("/en/")))) == ["Story number 1"] and time.monotonic() < deadline:
        time.sleep(settings.page_cache_recheck / 5)
    assert shown == ["Story from elsewhere", "Story number 1"]


def test_publishing_changes_only_the_sitemap_part_that_holds_the_post(settings, people, monkeypatch):
    monkeypatch.setattr(sitemap, "POSTS_PER_PART", 2)
    app = create_app(settings)
    client = app.test_client()
    for number in (1, 2, 3):
        publish(client, people, number)
    parts = {n: client.get(f"/sitemap-{n}.xml") for n in (1, 2)}
    index = etree.fromstring(client.get("/sitemap.xml").get_data())
    lastmods = [node.text for node in index.iter(f"{{{SITEMAP}}}lastmod")]
    assert len(lastmods) == 2

    time.sleep(1.1)  # Last-Modified has one-second resolution
    publish(client, people, 4)  # post 4 lands in part 2
    with counted_queries(app) as queries:
        again = client.get("/sitemap-1.xml", headers={"If-Modified-Since": parts[1].headers["Last-Modified"]})
    assert again.status_code == 304
    assert all("site_generations" in statement for statement in queries), queries  # served from the cache
    changed = client.get("/sitemap-2.xml", headers={"If-Modified-Since": parts[2].headers["Last-Modified"]})
    assert changed.status_code == 200
    locs = [loc.text for loc in etree.fromstring(changed.get_data()).iter(f"{{{SITEMAP}}}loc")]
    assert "http://localhost/en/posts/story-number-4" in locs
    index = etree.fromstring(client.get("/sitemap.xml").get_data())
    new_lastmods = [node.text for node in index.iter(f"{{{SITEMAP}}}lastmod")]
    assert new_lastmods[0] == lastmods[0] and new_lastmods[1] > lastmods[1]
