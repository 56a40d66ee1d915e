"""MT confidence: from the engine itself, lowered by QA, sorting the queue and marking the editor."""

import html5lib

from service import confidence, qa
from tests.factories import sign_in, submit
from workers import mt
from workers.drafting import draft_translation


def test_qa_warnings_lower_the_engines_score_damage_more_than_doubt():
    assert confidence.score(0.9, []) == 0.9
    doubt = confidence.score(0.9, [qa.MARKUP_MOVED])
    damage = confidence.score(0.9, [qa.NUMBERS_CHANGED])
    assert damage < doubt < 0.9
    assert confidence.score(0.9, [qa.NUMBERS_CHANGED, qa.NAME_MISSING]) < damage
    assert confidence.score(None, []) == confidence.UNSCORED


def test_apertium_scores_by_the_share_of_words_it_knew_and_reports_leftovers(settings):
    known, unknown = mt.translate_scored(
        settings, ["The cat is black.", "The zorblax glimbered the frobnicator."], "en", "es"
    )
    assert known.text == "El gato es negro." and known.score == 1.0 and known.unknown == []
    assert unknown.score < 1.0 and {"zorblax", "glimbered", "frobnicator"} & set(unknown.unknown)
    assert "*" not in unknown.text and "@" not in unknown.text  # the marks are counted, not shown
    assert mt.translate_batch(settings, ["The cat is black."], "en", "es") == ["El gato es negro."]


def test_apertium_pivot_keeps_a_surname_the_first_hop_did_not_know(settings):
    (result,) = mt.translate_scored(settings, ["Ana Meta said the plan was good."], "en", "fr")
    assert "Meta" in result.text and "But" not in result.text  # Spanish "meta" would be French "but"


def test_argos_scores_are_probabilities_per_token_multiplied_over_a_pivot(settings):
    direct = mt.translate_scored(settings, ["Heavy rain flooded the town.", ""], "en", "de")
    assert 0 < direct[0].score <= 1 and direct[1].text == ""
    (pivoted,) = mt.translate_scored(settings, ["سلام دنیا"], "fa", "de")
    assert 0 < pivoted.score <= 1


def test_queue_puts_the_weakest_draft_first_and_the_editor_marks_weak_segments(client, people, sessions, settings):
    es = submit(client, people.editor, target_locales=["es"]).get_json()
    fa = submit(client, people.editor, title="Heavy rain floods the old town", target_locales=["fa"]).get_json()
    draft_translation(sessions, settings, es["id"], "es")  # Apertium: real Spanish, known words
    draft_translation(sessions, settings, fa["id"], "fa")  # synthetic Argos: nonsense, low probability
    sign_in(client, "admin")

    def titles(order):
        page = html5lib.parse(client.get(f"/review?order={order}").get_data(as_text=True), namespaceHTMLElements=False)
        return [row.find("td/a").text for row in page.findall(".//table[@class='queue']/tbody/tr")]

    assert titles("oldest") == ["City opens three new schools", "Heavy rain floods the old town"]
    assert titles("weakest") == ["Heavy rain floods the old town", "City opens three new schools"]
    weak = client.get(f"/review/{fa['translations'][0]['id']}").get_data(as_text=True)
    strong = client.get(f"/review/{es['translations'][0]['id']}").get_data(as_text=True)
    assert weak.count('class="segment low-confidence"') == fa["segments"] and "confidence-summary" in weak
    assert 'class="segment low-confidence"' not in strong
    api = client.get(f"/api/v1/translations/{es['translations'][0]['id']}", headers=people.admin.auth).get_json()
    assert all(0 < s["confidence"] <= 1 for s in api["segments"])
