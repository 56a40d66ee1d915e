"""Tag and category names are reviewed like segments: a machine name never reaches readers unapproved."""

from __future__ import annotations

from sqlalchemy import select

from service.models import Term, TermTranslation
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation


def machine_names(sessions) -> dict[str, tuple[str, str]]:
    with sessions() as session:
        return {t.term.slug: (t.name, t.origin) for t in session.scalars(select(TermTranslation))}


def test_unapproved_machine_tag_names_never_reach_a_reader_page(client, app, people, sessions, settings):
    post = submit(client, people.editor, tags=["education"], categories=["Local"], target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    names = machine_names(sessions)
    assert names["education"] == ("educación", "mt")  # Apertium's name, waiting for review

    # Readers see the source name wherever the tag shows, until a translator approves the Spanish one.
    archive = client.get("/es/tag/education").get_data(as_text=True)
    feed = client.get("/es/tag/education/feed.xml").get_data(as_text=True)
    for html in (archive, feed, client.get("/es/category/local").get_data(as_text=True)):
        assert "educación" not in html
    assert "«education»" in archive

    # The translator sees the machine name beside the segments, and approving the translation approves it.
    translator = app.test_client()
    sign_in(translator, "maria")
    tid = post["translations"][0]["id"]
    editor = translator.get(f"/review/{tid}").get_data(as_text=True)
    assert 'value="educación"' in editor
    client.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    assert client.post(f"/api/v1/translations/{tid}/approve", headers=people.maria.auth).status_code == 200
    assert machine_names(sessions)["education"] == ("educación", "human")
    page = client.get(f"/es/posts/{post['slug']}").get_data(as_text=True)
    assert "educación" in page
    assert "«educación»" in client.get("/es/tag/education").get_data(as_text=True)


def test_a_locale_may_have_its_own_term_slug_and_the_source_slug_redirects(client, app, people, sessions, settings):
    post = submit(client, people.editor, tags=["education"], target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    translator = app.test_client()
    sign_in(translator, "maria")
    token = page_token(translator, "/review/terms")
    with sessions() as session:
        term_id = session.scalar(select(Term.id).where(Term.kind == "tag", Term.slug == "education"))
    saved = translator.post(
        f"/review/terms/{term_id}/es", data={"name": "Educación", "slug": "educacion", "csrf_token": token}
    )
    assert saved.status_code == 303
    old = client.get("/es/tag/education")
    assert old.status_code == 301 and old.headers["Location"].endswith("/es/tag/educacion")
    assert "«Educación»" in client.get("/es/tag/educacion").get_data(as_text=True)
    assert client.get("/en/tag/education").status_code == 200  # other locales keep the source slug
