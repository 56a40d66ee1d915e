"""TMX 1.4b in and out: `tarjama memory import/export` and GET /api/v1/memory.tmx."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select
from translate.storage.tmx import tmxfile

from service.cli import main
from service.models import MemoryEntry, MemoryPrefixToken
from tests.conftest import make_env
from tests.test_memory import TUESDAY, approve


@pytest.fixture
def env(settings, tmp_path, redis_server, argos_dir):
    return make_env(settings.effective_database_url, tmp_path / "data", f"{redis_server}/1", argos_dir)


def invoke(env, *args):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def memory_rows(sessions) -> list[tuple]:
    with sessions() as session:
        return [
            (
                e.source_locale,
                e.target_locale,
                e.source_text,
                e.target_text,
                e.post_id,
                e.approved_by_name,
                e.approved_at,
            )
            for e in session.scalars(select(MemoryEntry).order_by(MemoryEntry.source_text))
        ]


def test_export_then_import_into_an_empty_memory_gives_the_same_memory(
    client, people, sessions, settings, env, tmp_path
):
    approve(client, people, sessions, settings, edits={2: TUESDAY})
    before = memory_rows(sessions)
    assert len(before) > 5 and any("<g1>" in row[2] for row in before)
    exported = client.get("/api/v1/memory.tmx?source=en&target=es", headers=people.editor.auth)
    assert exported.status_code == 200 and exported.mimetype == "application/x-tmx+xml"
    path = tmp_path / "memory.tmx"
    path.write_bytes(exported.data)
    cli = tmp_path / "cli.tmx"
    assert invoke(env, "memory", "export", "--source", "en", "--target", "es", "-o", str(cli)).exit_code == 0
    assert cli.read_bytes() == exported.data

    store = tmxfile(exported.data)  # another tool reads it
    assert TUESDAY in [unit.target for unit in store.units]

    with sessions() as session:
        session.execute(delete(MemoryPrefixToken))
        session.execute(delete(MemoryEntry))
        session.commit()
    result = invoke(env, "memory", "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"imported {len(before)} entries (en->es: {len(before)})" in result.output
    assert memory_rows(sessions) == before
    assert client.get("/api/v1/memory.tmx?source=en&target=es", headers=people.editor.auth).data == exported.data


def test_a_memory_written_by_another_tool_is_imported_and_reused(client, people, sessions, settings, env, tmp_path):
    store = tmxfile(sourcelanguage="en-US", targetlanguage="es-ES")
    store.addtranslation("City opens three new schools", "en-US", "Tres escuelas abren en la ciudad", "es-ES")
    store.addtranslation("Only in German.", "en-US", "Nur auf Deutsch.", "de-DE")
    path = tmp_path / "other.tmx"
    path.write_bytes(bytes(store))
    result = invoke(env, "memory", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "en->de: 1, en->es: 1" in result.output
    from workers.drafting import draft_translation

    post = client.post(
        "/api/v1/posts",
        json={"title": "City opens three new schools", "body": "Nothing more.", "target_locales": ["es"]},
        headers=people.editor.auth,
    ).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    draft = client.get(post["translations"][0]["url"], headers=people.maria.auth).get_json()
    assert draft["segments"][0] == {**draft["segments"][0], "text": "Tres escuelas abren en la ciudad", "origin": "tm"}


GOOD_TU = '<tu><tuv xml:lang="en"><seg>Good {n}.</seg></tuv><tuv xml:lang="es"><seg>Bueno {n}.</seg></tuv></tu>'
HEADER = '<?xml version="1.0"?><tmx version="1.4"><header srclang="en" segtype="sentence" o-tmf="x" adminlang="en" creationtool="t" creationtoolversion="1" datatype="plaintext"/><body>'


def test_a_malformed_file_is_refused_whole_with_a_clear_message(env, sessions, tmp_path):
    path = tmp_path / "broken.tmx"
    units = "".join(GOOD_TU.format(n=n) for n in range(300))
    path.write_text(HEADER + units + '<tu><tuv xml:lang="en"><seg>Cut</tuv></tu></body></tmx>', encoding="utf-8")
    result = CliRunner().invoke(main, ["memory", "import", str(path)], env=env)
    assert result.exit_code == 1
    assert "was not imported: the file is not well-formed XML (line 1, column" in result.output
    assert memory_rows(sessions) == []
    path.write_text("<html><body>not a memory</body></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["memory", "import", str(path)], env=env)
    assert result.exit_code == 1 and "not a TMX file" in result.output


def test_units_that_cannot_be_used_are_skipped_and_reported(env, sessions, tmp_path):
    path = tmp_path / "mixed.tmx"
    bad = [
        '<tu><tuv xml:lang="en"><seg>No translation here.</seg></tuv></tu>',
        '<tu><tuv xml:lang="en"><seg>Broken <ept i="1">&lt;/a&gt;</ept> code.</seg></tuv><tuv xml:lang="es"><seg>Roto.</seg></tuv></tu>',
        '<tu><tuv xml:lang="en"><seg>Plain.</seg></tuv><tuv xml:lang="es"><seg>Con <ph x="7">&lt;br/&gt;</ph> extra.</seg></tuv></tu>',
        '<tu><tuv xml:lang="en"><seg>Klingon.</seg></tuv><tuv xml:lang="tlh"><seg>Qapla.</seg></tuv></tu>',
    ]
    linked = (
        '<tu><tuv xml:lang="en"><seg>Read <bpt i="1" x="1">&lt;a&gt;</bpt>the plan<ept i="1">&lt;/a&gt;</ept>.</seg></tuv>'
        '<tuv xml:lang="es"><seg>Lee <bpt i="1" x="1">&lt;a&gt;</bpt>el plan<ept i="1">&lt;/a&gt;</ept>.</seg></tuv></tu>'
    )
    path.write_text(HEADER + GOOD_TU.format(n=1) + "".join(bad) + linked + "</body></tmx>", encoding="utf-8")
    result = invoke(env, "memory", "import", str(path))
    assert result.exit_code == 0
    assert "imported 2 entries" in result.output and "skipped 4 units:" in result.output
    assert "unit 2: no translation into one of Tarjama's languages" in result.output
    assert "unit 3: en: <ept i='1'> closes nothing" in result.output
    assert "unit 4: the es text has inline codes the source does not have" in result.output
    assert "checking: 100%" in result.output and "importing: 100%" in result.output
    assert ("Read <g1>the plan</g1>.", "Lee <g1>el plan</g1>.") in [(r[2], r[3]) for r in memory_rows(sessions)]


def test_only_editors_and_admins_export_and_the_pair_is_checked(client, people):
    assert client.get("/api/v1/memory.tmx?source=en&target=es", headers=people.maria.auth).status_code == 403
    missing = client.get("/api/v1/memory.tmx?source=en", headers=people.admin.auth)
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "target"
