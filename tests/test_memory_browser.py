"""Near matches in the side-by-side editor, in real headless Chromium: shown beside the draft, taken in one click or key."""

from __future__ import annotations

import pytest

from tests import factories
from tests.test_browser import ARTIFACTS, signed_in, site  # noqa: F401 - fixtures
from workers.drafting import draft_translation

pytestmark = pytest.mark.browser
REMEMBERED = "El consejo aprobó el plan el martes."


def test_a_near_match_is_shown_with_the_source_difference_and_taken_in_one_click(site, browser, tmp_path):  # noqa: F811
    base, _ids, _post, api, people = site
    sessions = api.application.extensions["tarjama.sessions"]
    settings = api.application.extensions["tarjama.settings"]
    body = "<p>The council approved the plan on Tuesday.</p><p>The mayor was not there.</p>"
    first = factories.submit(
        api, people.editor, title="Plan approved", lede="", body=body, target_locales=["es"]
    ).get_json()
    draft_translation(sessions, settings, first["id"], "es")
    url = first["translations"][0]["url"]
    api.post(f"{url}/claim", headers=people.maria.auth)
    api.patch(f"{url}/segments/1", json={"text": REMEMBERED, "version": 1}, headers=people.maria.auth)
    api.patch(f"{url}/segments/2", json={"text": "El alcalde no estaba.", "version": 1}, headers=people.maria.auth)
    assert api.post(f"{url}/approve", headers=people.maria.auth).status_code == 200

    body = "<p>The council approved the plan on Wednesday.</p><p>The mayor was not here.</p>"
    second = factories.submit(
        api, people.editor, title="Plan delayed", lede="", body=body, target_locales=["es"]
    ).get_json()
    draft_translation(sessions, settings, second["id"], "es")
    tid = second["translations"][0]["id"]
    api.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)

    context, page = signed_in(browser, base, "maria")
    page.goto(f"{base}/review/{tid}")
    matches = page.locator("#segment-1 .memory-matches")
    matches.wait_for(state="visible")
    assert matches.locator(".memory-score").first.inner_text() == "87% match"
    assert matches.locator("del").first.inner_text() == "Tuesday"
    assert matches.locator("ins").first.inner_text() == "Wednesday"
    page.screenshot(path=str(ARTIFACTS / "review-editor-memory.png"), full_page=True)
    matches.locator(".memory-use").first.click()
    assert page.locator("#segment-1 textarea").input_value() == REMEMBERED

    page.locator("#segment-2 .chip-editor").focus()
    page.keyboard.press("Alt+m")
    assert page.locator("#segment-2 textarea").input_value() == "El alcalde no estaba."
    page.keyboard.press("Control+Enter")
    page.locator("#segment-2 .segment-status").get_by_text("Saved").wait_for()
    saved = api.get(f"/api/v1/translations/{tid}", headers=people.maria.auth).get_json()["segments"][2]
    assert saved["text"] == "El alcalde no estaba." and saved["origin"] == "human"

    page.fill("#memory-q", "alcalde")
    page.locator("form.memory-search button[type=submit]").click()
    page.locator(".memory-results li").first.wait_for()
    assert "El alcalde no estaba." in page.locator(".memory-results").inner_text()
    context.close()
