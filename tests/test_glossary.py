"""The glossary as editors manage it: web pages, CSV/TBX files, the command line, suggestions."""

import csv
import io

import html5lib
from click.testing import CliRunner

from service import glossary_io
from service.cli import main
from service.db import session_scope
from service.models import GlossaryEntry, Translation
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation

CSV = (
    "source_term,target_locale,target_term,keep,gender,note\n"
    "Meta,*,,yes,,surname\n"
    "United Nations,es,Naciones Unidas,,fp,\n"
    "United Nations,fr,Nations unies,,fp,\n"
)


def entries(sessions):
    with sessions() as session:
        return sorted(
            (e.source_term, e.target_locale, e.target_term, e.keep, e.gender) for e in session.query(GlossaryEntry)
        )


def test_editor_adds_edits_and_deletes_entries_and_a_translator_only_reads(client, people, sessions):
    sign_in(client, "editor")
    token = page_token(client, "/glossary")
    added = client.post(
        "/glossary",
        data={
            "csrf_token": token,
            "source_term": "United Nations",
            "target_locale": "es",
            "target_term": "Naciones Unidas",
            "gender": "fp",
        },
    )
    assert added.status_code == 303
    kept = client.post(
        "/glossary", data={"csrf_token": token, "source_term": "Meta", "target_locale": "*", "keep": "yes"}
    )
    assert kept.status_code == 303
    assert entries(sessions) == [
        ("Meta", "*", "Meta", True, ""),
        ("United Nations", "es", "Naciones Unidas", False, "fp"),
    ]
    missing = client.post("/glossary", data={"csrf_token": token, "source_term": "UN", "target_locale": "es"})
    assert missing.status_code == 422 and "target_term" in missing.get_data(as_text=True)
    assert 'value="UN"' in missing.get_data(as_text=True)  # the form keeps what was typed
    with sessions() as session:
        un = session.query(GlossaryEntry).filter_by(source_term="United Nations").one()
    edited = client.post(
        f"/glossary/{un.id}",
        data={"csrf_token": token, "source_term": "United Nations", "target_locale": "es", "target_term": "la ONU"},
    )
    assert edited.status_code == 303 and ("United Nations", "es", "la ONU", False, "") in entries(sessions)
    assert client.post(f"/glossary/{un.id}/delete", data={"csrf_token": token}).status_code == 303
    assert [e[0] for e in entries(sessions)] == ["Meta"]

    client.post("/logout", data={"csrf_token": token})
    sign_in(client, "maria")
    page = client.get("/glossary")
    assert page.status_code == 200 and "Meta" in page.get_data(as_text=True)
    assert 'id="entry-form"' not in page.get_data(as_text=True)
    token = page_token(client, "/glossary")
    assert client.post("/glossary", data={"csrf_token": token, "source_term": "X", "keep": "yes"}).status_code == 403


def test_import_and_export_csv_and_tbx_through_the_page(client, people, sessions):
    sign_in(client, "admin")
    token = page_token(client, "/glossary")
    upload = {"csrf_token": token, "file": (io.BytesIO(CSV.encode()), "terms.csv")}
    assert client.post("/glossary/import", data=upload, content_type="multipart/form-data").status_code == 303
    assert len(entries(sessions)) == 3
    again = {"csrf_token": token, "file": (io.BytesIO(CSV.encode()), "terms.csv")}
    client.post("/glossary/import", data=again, content_type="multipart/form-data")
    assert len(entries(sessions)) == 3  # a re-import updates, never duplicates
    exported = client.get("/glossary/export.csv").get_data(as_text=True)
    assert {row["source_term"] for row in csv.DictReader(io.StringIO(exported))} == {"Meta", "United Nations"}
    tbx = client.get("/glossary/export.tbx").get_data()
    rows = glossary_io.read_tbx(tbx)
    assert sorted(
        (r["source_term"], r["target_locale"], r.get("target_term", ""), r.get("gender", "")) for r in rows
    ) == [
        ("Meta", "*", "", ""),
        ("United Nations", "es", "Naciones Unidas", "fp"),
        ("United Nations", "fr", "Nations unies", "fp"),
    ]
    bad = {"csrf_token": token, "file": (io.BytesIO(b"term;translation\nx;y\n"), "bad.csv")}
    response = client.post("/glossary/import", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and "source_term" in response.get_data(as_text=True)
    assert len(entries(sessions)) == 3  # nothing stored from a bad file


def test_tbx_v2_files_from_other_tools_import():
    tbx = """<?xml version="1.0"?><martif type="TBX" xml:lang="en"><text><body>
      <termEntry><langSet xml:lang="en"><tig><term>European Union</term></tig></langSet>
        <langSet xml:lang="fr"><tig><term>Union européenne</term><termNote type="grammaticalGender">feminine</termNote></tig></langSet></termEntry>
      <termEntry><note>do-not-translate</note><langSet xml:lang="en"><tig><term>Nexora</term></tig></langSet></termEntry>
    </body></text></martif>"""
    rows = glossary_io.read_tbx(tbx.encode())
    assert rows[0] == {"source_locale": "en", "source_term": "European Union", "target_locale": "fr",
                       "target_term": "Union européenne", "gender": "f", "note": ""}  # fmt: skip
    assert rows[1]["source_term"] == "Nexora" and rows[1]["keep"] == "yes" and rows[1]["target_locale"] == "*"


def test_command_line_import_and_export(settings, sessions, tmp_path, monkeypatch):
    from tests.conftest import make_env

    env = make_env(settings.database_url, tmp_path / "data", settings.redis_url, settings.argos_packages_dir)
    path = tmp_path / "terms.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["glossary", "import", str(path)], env=env)
    assert result.exit_code == 0 and "imported 3 glossary entries" in result.output
    out = tmp_path / "out.tbx"
    assert CliRunner().invoke(main, ["glossary", "export", str(out)], env=env).exit_code == 0
    assert "Naciones Unidas" in out.read_text(encoding="utf-8")
    path.write_text("source_term,target_locale,target_term\nUN,it,ONU\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["glossary", "import", str(path)], env=env)
    assert failed.exit_code == 1 and "row 2" in failed.output and "unknown language it" in failed.output


def test_names_the_engine_mangled_are_suggested_and_accepted_in_one_click(client, people, sessions, settings):
    body = "<p>The report by Karen Bird was clear. Critics of Bird stayed quiet.</p>"
    post = submit(client, people.editor, title="Port strike ends", lede="", body=body, target_locales=["fr"]).get_json()
    draft_translation(sessions, settings, post["id"], "fr")  # Apertium reads the surname as a word: "Oiseau"
    sign_in(client, "editor")
    page = html5lib.parse(client.get("/glossary").get_data(as_text=True), namespaceHTMLElements=False)
    suggested = [row.get("data-suggestion") for row in page.iter("tr") if row.get("data-suggestion")]
    assert "Bird" in suggested and "Karen" not in suggested  # "Karen" came through untouched
    token = page_token(client, "/glossary")
    assert client.post("/glossary/suggestions/accept", data={"csrf_token": token, "term": "Bird"}).status_code == 303
    assert entries(sessions) == [("Bird", "*", "Bird", True, "")]
    again = client.get("/glossary").get_data(as_text=True)
    assert 'data-suggestion="Bird"' not in again
    with session_scope(sessions) as session:  # draft again, as a retry would
        session.get(Translation, post["translations"][0]["id"]).state = "queued"
        session.commit()
    draft_translation(sessions, settings, post["id"], "fr")
    with sessions() as session:
        texts = [s.text for s in session.get(Translation, post["translations"][0]["id"]).segments]
    assert any("Karen Bird" in text for text in texts) and not any("Oiseau" in text for text in texts)
