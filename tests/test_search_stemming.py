"""Reader search finds other forms of a word: stems on SQLite (Snowball at index and query
time) and on PostgreSQL (the language's text-search configuration). Runs on both databases."""

from __future__ import annotations

from urllib.parse import quote

import html5lib

from service import stemming
from tests.factories import submit
from workers.drafting import draft_translation


def results(client, locale: str, query: str) -> list:
    page = html5lib.parse(
        client.get(f"/{locale}/search?q={quote(query, safe='+')}").get_data(as_text=True), namespaceHTMLElements=False
    )
    return page.findall(".//ol[@class='search-results']/li")


def test_berth_finds_berths_and_the_snippet_marks_the_word(client, people, sessions, settings):
    submit(
        client,
        people.editor,
        title="Harbour opens new berths",
        lede="Ships will dock there from May.",
        format="text",
        body="The port authority built four berths for cargo ships.\n\nFishing boats keep their old quay.",
        target_locales=["es"],
    )
    found = results(client, "en", "berth")
    assert [r.find("h2/a").text for r in found] == ["Harbour opens new berths"]
    assert [m.text for m in found[0].findall(".//p[@class='snippet']/mark")] == ["berths"]
    assert len(results(client, "en", "ship")) == 1  # "ships" in the body
    assert len(results(client, "en", "docking")) == 1  # "dock"
    assert results(client, "en", "berth+museum") == []  # every word must match


def test_persian_and_arabic_are_found_however_letters_marks_and_digits_were_typed(client, people):
    submit(
        client,
        people.editor,
        source_locale="fa",
        target_locales=["en"],
        title="کتابخانهٔ شهر تا ساعت ۲۱ باز است",
        format="text",
        body="کتاب‌های تازه در سال ۱۴۰۳ رسید.",
    )
    submit(
        client, people.editor, source_locale="ar", target_locales=["en"], title="درس اليوم", body="كَتَبَ الطالبُ الدرسَ."
    )
    # A reader with an Arabic keyboard types Arabic kaf and yeh; another types ASCII digits.
    assert len(results(client, "fa", "كتابخانه")) == 1
    assert len(results(client, "fa", "سال+1403")) == 1
    assert len(results(client, "fa", "ساعت+٢١")) == 1  # Arabic-Indic digits
    # Short-vowel marks neither split a word nor have to be typed.
    assert len(results(client, "ar", "كتب")) == 1
    assert len(results(client, "ar", "كَتَبَ+الطالب")) == 1


def test_spanish_pages_are_found_by_another_form(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    tid = post["translations"][0]["id"]
    draft_translation(sessions, settings, post["id"], "es")
    client.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    client.patch(
        f"/api/v1/translations/{tid}/segments/0",
        json={"text": "La ciudad abre tres escuelas nuevas", "version": 1},
        headers=people.maria.auth,
    )
    assert client.post(f"/api/v1/translations/{tid}/approve", headers=people.maria.auth).status_code == 200
    assert len(results(client, "es", "escuela")) == 1  # "escuelas"
    assert len(results(client, "es", "nueva")) == 1


def test_the_same_stemmer_runs_at_index_and_query_time():
    assert stemming.stem("Berths", "en") == stemming.stem("berth", "en")
    assert stemming.stem("escuelas", "es") == stemming.stem("escuela", "es")
    assert stemming.stem("Schulen", "de") == stemming.stem("Schule", "de")
    assert stemming.stem("كتابهم", "ar") == stemming.stem("كتاب", "ar")
    assert stemming.stems("Schools, opened", "xx") == "schools opened"  # no stemmer: lower-cased words


def test_upgrading_sqlite_restems_an_existing_index(tmp_path):
    """An archive indexed before stemming is searchable by stems after `tarjama init` (SQLite)."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from service.migrate import alembic_config
    from service.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'old.db'}", data_dir=tmp_path)
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(settings)
            config.attributes["connection"] = connection
            command.upgrade(config, "0008_signals")
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            connection.execute(
                text(
                    "INSERT INTO published_pages (id, post_id, revision_id, locale, title, lede_html, body_html,"
                    " summary, published_at, updated_at, listed_at) VALUES (7, 1, 1, 'en', 'New berths', '', '',"
                    " '', '2026-01-01', '2026-01-01', '2026-01-01')"
                )
            )
            connection.execute(
                text(
                    "CREATE VIRTUAL TABLE page_search_en USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')"
                )
            )
            connection.execute(
                text("INSERT INTO page_search_en (rowid, title, body) VALUES (7, 'New berths', 'Ships dock.')")
            )
            command.upgrade(config, "head")
        with engine.connect() as connection:
            from sqlalchemy.orm import Session

            from service import search

            hits = search.search(Session(bind=connection), "en", "berth docking")
            assert [hit.page_id for hit in hits] == [7]
            assert list(search.indexed(connection)) == [(7, "en", "New berths", "Ships dock.")]
    finally:
        engine.dispose()


def test_upgrading_indexes_existing_persian_pages_again_in_the_folded_spelling(client, people, sessions, settings):
    """A Persian page indexed before folding is found by ASCII digits once migrations ran (both databases)."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from service.app import create_app
    from service.migrate import alembic_config

    submit(client, people.editor, source_locale="fa", target_locales=["en"], title="بودجهٔ سال ۱۴۰۳", body="تصویب شد.")
    with sessions() as session:  # the index as the older code wrote it: digits as typed
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("UPDATE page_search_fa SET title_stems = title"))
        else:
            session.execute(text("UPDATE page_search SET document = to_tsvector('simple', title)"))
        session.commit()
    assert results(client, "fa", "1403") == []
    config = alembic_config(settings)
    before = ScriptDirectory.from_config(config).get_revision("0013_folded_search").down_revision
    command.stamp(config, before)
    command.upgrade(config, "head")
    restarted = create_app(settings).test_client()  # web processes start after migrations, caches empty
    assert len(results(restarted, "fa", "1403")) == 1
