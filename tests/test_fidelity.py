"""End to end: a story's numbers, dates, names and glossary terms come out right in the stored draft."""

from service import glossary
from service.db import session_scope
from service.models import Translation
from tests.factories import submit
from workers.drafting import draft_translation

BODY = (
    "<p>On June 30, 2018, the United Nations said 1,500 people had left the region. "
    "Meta’s report counted 12,400 homes.</p>"
)


def add_terms(sessions, settings, people):
    from service.models import User

    with session_scope(sessions) as session:
        editor = session.get(User, people.editor.id)
        for row in (
            {"source_term": "Meta", "target_locale": "*", "keep": "yes"},
            {"source_term": "United Nations", "target_locale": "es", "target_term": "Naciones Unidas", "gender": "fp"},
            {"source_term": "United Nations", "target_locale": "fr", "target_term": "Nations unies", "gender": "fp"},
        ):
            glossary.save(session, editor, row, settings.locales, "en")
        session.commit()


def drafts(sessions, translation_id):
    with sessions() as session:
        translation = session.get(Translation, translation_id)
        return [(s.text, s.warnings, s.confidence) for s in translation.segments]


def test_numbers_dates_and_glossary_terms_come_out_in_the_targets_form(client, people, sessions, settings):
    add_terms(sessions, settings, people)
    post = submit(client, people.editor, title="Exodus", lede="", body=BODY, target_locales=["es", "fr"]).get_json()
    ids = {t["locale"]: t["id"] for t in post["translations"]}
    for locale in ids:
        assert draft_translation(sessions, settings, post["id"], locale) == "awaiting_review"
    es = " ".join(text for text, _, _ in drafts(sessions, ids["es"]))
    assert "El 30 de junio de 2018" in es and "Naciones Unidas" in es and "1.500 personas" in es
    assert "12.400" in es and "Meta" in es and "encima" not in es
    fr = " ".join(text for text, _, _ in drafts(sessions, ids["fr"]))
    assert "Le 30 juin 2018" in fr and "Nations unies" in fr and "1\u202f500" in fr and "12\u202f400" in fr
    assert "Meta" in fr and "But" not in fr  # the Spanish leg of the pivot did not translate the surname
    for text, warnings, confidence in drafts(sessions, ids["es"]) + drafts(sessions, ids["fr"]):
        assert "<t" not in text and "<n" not in text and "<d" not in text  # only markup placeholders are stored
        assert not set(warnings) & {"numbers_changed", "date_changed", "name_missing", "term_missing"}
        assert 0 < confidence <= 1


def test_qa_flags_a_number_a_translator_damaged(client, people, sessions, settings):
    post = submit(client, people.editor, title="Exodus", lede="", body=BODY, target_locales=["es"]).get_json()
    tid = post["translations"][0]["id"]
    draft_translation(sessions, settings, post["id"], "es")
    client.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    segments = client.get(f"/api/v1/translations/{tid}", headers=people.maria.auth).get_json()["segments"]
    first = next(s for s in segments if "1.500" in s["text"])
    damaged = first["text"].replace("1.500", "1,500")  # English notation: a Spanish reader sees 1.5
    saved = client.patch(
        f"/api/v1/translations/{tid}/segments/{first['position']}",
        json={"text": damaged, "version": first["version"]},
        headers=people.maria.auth,
    ).get_json()
    assert "numbers_changed" in saved["warnings"] and saved["confidence"] is None
    restored = client.patch(
        f"/api/v1/translations/{tid}/segments/{first['position']}",
        json={"text": first["text"], "version": saved["version"]},
        headers=people.maria.auth,
    ).get_json()
    assert "numbers_changed" not in restored["warnings"]
