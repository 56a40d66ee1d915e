"""`tarjama export` / `tarjama import`: a newsroom moves from SQLite to PostgreSQL and nothing changes.

The SQLite -> PostgreSQL round trip needs a PostgreSQL server: TARJAMA_TEST_PG_URL (scripts/test.sh
exports it for both suite runs), or the suite's own TARJAMA_TEST_DATABASE_URL. The test makes
its own database `<name>_archive` on that server and drops it afterwards.
"""

from __future__ import annotations

import json
import os
import re
import tarfile

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.app import create_app
from service.cli import main
from service.db import Base, make_engine, make_session_factory
from service.migrate import upgrade
from service.settings import load_settings
from tests import factories
from tests.conftest import make_env
from workers import drafting


def cli(env: dict[str, str], *args: str):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


@pytest.fixture
def newsroom(tmp_path, redis_server, argos_dir):
    """A SQLite installation with posts in three locales: drafted, edited, published, rejected."""
    env = make_env(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "source", f"{redis_server}/1", argos_dir)
    settings = load_settings(env)
    upgrade(settings)
    sessions = make_session_factory(make_engine(settings))
    client = create_app(settings).test_client()
    people = factories.make_people(sessions, settings)
    stories = [
        ("City opens three new schools", ["education", "city"], ["Local"], "2026-11-20T09:00:00Z"),
        ("Museum reopens after renovation", ["culture"], ["Local"], "2026-11-21T10:30:00Z"),
        ("Farmers count the cost of drought", ["farming", "climate"], ["Economy"], "2026-11-22T07:15:00Z"),
    ]
    posts = []
    for title, tags, categories, when in stories:
        post = factories.submit(
            client,
            people.editor,
            title=title,
            tags=tags,
            categories=categories,
            published_at=when,
            target_locales=["es", "de", "fa"],
        ).get_json()
        for locale in ("es", "de", "fa"):
            drafting.draft_translation(sessions, settings, post["id"], locale)
        posts.append(client.get(f"/api/v1/posts/{post['id']}", headers=people.editor.auth).get_json())
    for post in posts[:2]:  # Spanish (edited) and German published; Persian rejected on the first
        spanish, german, persian = (
            next(t for t in post["translations"] if t["locale"] == x) for x in ("es", "de", "fa")
        )
        client.post(f"{spanish['url']}/claim", headers=people.maria.auth)
        client.patch(
            f"{spanish['url']}/segments/1",
            headers=people.maria.auth,
            json={"text": f"Titular revisado {post['id']}", "version": 1},
        )
        assert client.post(f"{spanish['url']}/approve", headers=people.maria.auth).status_code == 200
        client.post(f"{german['url']}/claim", headers=people.dariush.auth)
        assert client.post(f"{german['url']}/approve", headers=people.dariush.auth).status_code == 200
    persian = next(t for t in posts[0]["translations"] if t["locale"] == "fa")
    client.post(f"{persian['url']}/claim", headers=people.dariush.auth)
    client.post(f"{persian['url']}/reject", headers=people.dariush.auth, json={"comment": "Names are wrong"})
    return env, people, [p["id"] for p in posts]


def postgres_server_url() -> str | None:
    url = os.environ.get("TARJAMA_TEST_PG_URL") or os.environ.get("TARJAMA_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture
def postgres_target():
    server = postgres_server_url()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must run the SQLite -> PostgreSQL round trip: set TARJAMA_TEST_PG_URL (scripts/test.sh does)"
            )
        pytest.skip("no PostgreSQL server: set TARJAMA_TEST_PG_URL=postgresql+psycopg://user@host:port/db")
    url = make_url(server)
    target = url.set(database=f"{url.database}_archive")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    yield target.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def reader_paths(client) -> list[str]:
    """Every reader URL the site has: posts from the sitemap, their tag and category archives and
    feeds, each locale's home and feed, a missing post, the sitemap and robots.txt."""
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    posts = sorted({re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)})
    terms = set()
    for post in posts:
        terms |= set(re.findall(r'href="(/[a-z]+/(?:tag|category)/[^"/]+)"', client.get(post).get_data(as_text=True)))
    paths = ["/sitemap.xml", "/robots.txt", "/", *posts, *sorted(terms)]
    paths += [f"{term}/feed.xml" for term in sorted(terms) if "/tag/" in term]
    for locale in ("en", "es", "de", "fa"):
        paths += [f"/{locale}/", f"/{locale}/feed.xml", f"/{locale}/posts/no-such-story"]
    return paths


def answers(client, paths: list[str], headers: dict | None = None) -> dict[str, tuple]:
    result = {}
    for path in paths:
        response = client.get(path, headers=headers or {})
        result[path] = (response.status_code, response.mimetype, response.get_data(), response.headers.get("ETag"))
    return result


def api_answers(client, person, post_ids: list[int]) -> dict[str, object]:
    found = {"/api/v1/translations": client.get("/api/v1/translations", headers=person.auth).get_json()}
    for post_id in post_ids:
        post = client.get(f"/api/v1/posts/{post_id}", headers=person.auth).get_json()
        found[f"/api/v1/posts/{post_id}"] = post
        for translation in post["translations"]:
            found[translation["url"]] = client.get(translation["url"], headers=person.auth).get_json()
    return found


def search_hits(client, locale: str, query: str) -> list[str]:
    page = client.get(f"/{locale}/search?q={query}").get_data(as_text=True)
    return sorted(re.findall(rf'href="(/{locale}/posts/[^"]+)"', page))


def test_sqlite_to_postgresql_keeps_every_reader_page_and_api_answer(newsroom, postgres_target, tmp_path):
    source_env, people, post_ids = newsroom
    archive = tmp_path / "newsroom.tar.gz"
    exported = cli(source_env, "export", str(archive), "--with-passwords")
    assert exported.exit_code == 0, exported.output
    assert re.search(r"wrote .*newsroom\.tar\.gz: \d+ tables, \d+ rows", exported.output)

    target_env = {**source_env, "TARJAMA_DATABASE_URL": postgres_target, "TARJAMA_DATA_DIR": str(tmp_path / "target")}
    imported = cli(target_env, "import", str(archive))
    assert imported.exit_code == 0, imported.output
    assert "each table as many rows as the archive" in imported.output
    assert "imported posts" in imported.stderr and "imported page_search" in imported.stderr  # progress

    source = create_app(load_settings(source_env)).test_client()
    target = create_app(load_settings(target_env)).test_client()
    paths = reader_paths(source)
    assert len(paths) > 20 and any("/es/posts/" in p for p in paths) and any("/de/tag/" in p for p in paths)
    before, after = answers(source, paths), answers(target, paths)
    for path in paths:
        assert after[path] == before[path], path  # status, type, bytes and ETag
    assert api_answers(target, people.editor, post_ids) == api_answers(source, people.editor, post_ids)
    for locale, word in (("en", "museum"), ("es", "museo"), ("en", "council")):
        assert search_hits(target, locale, word) == search_hits(source, locale, word)
    assert search_hits(target, "en", "museum")  # the index was rebuilt, not just left empty

    new_post = factories.submit(target, people.editor, title="After the move", target_locales=["es"])
    assert new_post.status_code == 201 and new_post.get_json()["id"] == max(post_ids) + 1  # sequences moved on
    assert factories.sign_in(target, "maria").status_code == 302  # passwords came along, as asked


def test_default_export_leaves_secrets_out_and_import_refuses_a_database_in_use(newsroom, tmp_path):
    source_env, people, post_ids = newsroom
    archive = tmp_path / "newsroom.tar"
    exported = cli(source_env, "export", str(archive))
    assert exported.exit_code == 0, exported.output
    assert "left out api_tokens: secrets" in exported.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        users = [json.loads(line) for line in tar.extractfile("tables/users.jsonl")]
    assert manifest["format"] == "tarjama-archive" and manifest["version"] == 1
    order = [entry["name"] for entry in manifest["tables"]]
    assert order == [t.name for t in Base.metadata.sorted_tables if t.name in order]  # dependency order
    assert order.index("users") < order.index("posts") < order.index("revisions") < order.index("translations")
    assert "api_tokens" not in order and "login_attempts" not in order
    assert users and all("password_hash" not in user for user in users)

    target_env = {**source_env, "TARJAMA_DATABASE_URL": f"sqlite:///{tmp_path / 'target.db'}"}
    imported = cli(target_env, "import", str(archive))
    assert imported.exit_code == 0, imported.output
    assert "5 users have no password" in imported.output and "tarjama users set-password" in imported.output
    target = create_app(load_settings(target_env)).test_client()
    assert factories.sign_in(target, "maria").status_code == 401  # no password yet
    assert target.get(f"/api/v1/posts/{post_ids[0]}", headers=people.editor.auth).status_code == 401
    cli(target_env, "users", "set-password", "maria", "--password", factories.PASSWORD)
    assert factories.sign_in(target, "maria").status_code == 302

    again = cli(target_env, "import", str(archive))
    assert again.exit_code == 1 and "the target database is not empty (" in again.output
    assert "users: 5 rows" in again.output and "posts: 3 rows" in again.output
    engine = make_engine(load_settings(target_env))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT COUNT(*) FROM posts")) == 3  # nothing was added
    engine.dispose()


def test_import_rejects_what_is_not_an_archive(newsroom, tmp_path):
    source_env, _people, _ids = newsroom
    bogus = tmp_path / "bogus.tar"
    bogus.write_bytes(b"this is not a tar file")
    result = cli({**source_env, "TARJAMA_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}, "import", str(bogus))
    assert result.exit_code == 1 and "is not a Tarjama archive" in result.output
