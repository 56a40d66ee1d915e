"""The `tarjama` command as an operator uses it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.app import create_app
from service.cli import main
from service.settings import load_settings
from tests.conftest import free_port, make_env, start_run
from tests.factories import story


@pytest.fixture
def cli_env(tmp_path, database_url, redis_server, argos_dir):
    from tests.conftest import fresh_database

    env = make_env(fresh_database(database_url, tmp_path), tmp_path / "data", f"{redis_server}/1", tmp_path / "argos")
    return env


def invoke(env, *args):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_init_users_and_token_give_a_working_api_login(cli_env):
    assert "database ready" in invoke(cli_env, "init").output
    assert invoke(cli_env, "init").exit_code == 0  # idempotent
    added = invoke(cli_env, "users", "add", "nadia", "--role", "editor", "--password", "long enough pw")
    assert added.exit_code == 0 and "user nadia (editor) created" in added.output
    token = invoke(cli_env, "tokens", "create", "nadia").output.strip()
    assert token.startswith("trj_")
    client = create_app(load_settings(cli_env)).test_client()
    response = client.post(
        "/api/v1/posts", json=story(target_locales=["es"]), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201


def test_user_errors_name_the_problem(cli_env):
    invoke(cli_env, "init")
    translator = invoke(cli_env, "users", "add", "ali", "--role", "translator", "--password", "long enough pw")
    assert translator.exit_code == 1 and "--languages fa,ar" in translator.output
    unknown = invoke(
        cli_env, "users", "add", "ali", "--role", "translator", "--languages", "it", "--password", "long enough pw"
    )
    assert "unknown languages it" in unknown.output
    generated = invoke(cli_env, "users", "add", "ali", "--role", "translator", "--languages", "fa,ar")
    assert "password: " in generated.output
    assert "already exists" in invoke(cli_env, "users", "add", "ali", "--role", "editor").output
    assert "no user named 'bob'" in invoke(cli_env, "tokens", "create", "bob").output


def test_run_without_redis_server_names_the_package(cli_env, tmp_path):
    env = {**cli_env, "TARJAMA_REDIS_URL": "", "PATH": str(tmp_path)}
    result = invoke(env, "run")
    assert result.exit_code == 1 and "redis-server not found: apt-get install redis-server" in result.output


@pytest.mark.integration
def test_run_starts_redis_web_worker_and_beat_and_ctrl_c_stops_them(tmp_path):
    port = free_port()
    stack = start_run(tmp_path, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert json.load(response) == {"status": "ok"}
                    break
            except OSError:
                assert stack.poll() is None, (tmp_path / "run.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
                time.sleep(0.5)
        while b"ready." not in (tmp_path / "run.log").read_bytes():
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.3)
        children = subprocess.run(
            ["pgrep", "-s", str(os.getpgid(stack.pid))], capture_output=True, text=True
        ).stdout.split()
        assert len(children) >= 5  # tarjama, redis, gunicorn (+ its workers), celery worker, beat
        os.killpg(stack.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert stack.wait(timeout=60) == 0
        left = subprocess.run(["pgrep", "-s", str(stack.pid)], capture_output=True, text=True).stdout.split()
        assert left == [], "processes left after Ctrl-C"
        assert (Path(tmp_path) / "data" / "redis" / "appendonlydir").exists()
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)


def test_demo_loads_users_posts_and_models_once(cli_env):
    env = {**cli_env, "TARJAMA_LOCALES": "en,es,fa"}
    env.pop("TARJAMA_MT_ENGINES")
    first = invoke(env, "demo", "--no-run")
    assert first.exit_code == 0, first.output
    assert "editor       demo-editor-2026" in first.output
    assert "synthetic Argos package en->fa" in first.output
    assert invoke(env, "demo", "--no-run").exit_code == 0
    client = create_app(load_settings(env)).test_client()
    page = client.get("/en/posts/city-opens-three-new-schools")
    assert page.status_code == 200 and "<strong>full plan</strong>" in page.get_data(as_text=True)
    login = CliRunner().invoke(main, ["tokens", "create", "editor"], env=env)
    posts = [
        client.get(f"/api/v1/posts/{n}", headers={"Authorization": f"Bearer {login.output.strip()}"})
        for n in (1, 2, 3, 4)
    ]
    assert [p.status_code for p in posts] == [200, 200, 200, 404]
    assert [t["locale"] for t in posts[0].get_json()["translations"]] == ["es", "fa"]


def test_reindex_rebuilds_search_for_existing_pages(cli_env):
    from sqlalchemy import text

    env = {**cli_env, "TARJAMA_LOCALES": "en,es"}
    invoke(env, "demo", "--no-run")
    settings = load_settings(env)
    client = create_app(settings).test_client()
    from service.db import make_engine

    engine = make_engine(settings)
    with engine.begin() as connection:  # as after upgrading a database made before search existed
        tables = ["page_search"]
        if engine.dialect.name == "sqlite":  # one FTS5 table per locale
            tables = connection.scalars(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'page_search_%' AND sql LIKE 'CREATE VIRTUAL%'")
            ).all()
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    assert results(client, "museum") == []
    result = invoke(env, "reindex")
    assert result.exit_code == 0 and "re-rendered 3 originals" in result.output
    fresh = create_app(settings).test_client()  # a new process: the page cache starts empty
    assert results(fresh, "museum") == ["Museum reopens after renovation"]


def results(client, query: str) -> list[str]:
    import html5lib

    doc = html5lib.parse(client.get(f"/en/search?q={query}").get_data(as_text=True), namespaceHTMLElements=False)
    return [a.text for a in doc.findall(".//ol[@class='search-results']/li/h2/a")]
