"""The review flow in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Screenshots of the queue and the editor (left-to-right Spanish, right-to-left Persian) are
saved under test-artifacts/ for people to look at.
"""

from __future__ import annotations

import pytest

from service.app import create_app
from service.db import make_engine, make_session_factory
from service.settings import load_settings
from tests import factories
from tests.conftest import ROOT, fresh_database, make_env
from tests.live_server import serving
from workers.drafting import draft_translation

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_url, redis_server, argos_dir):
    """The app on a real HTTP port, with one story drafted into Spanish (Apertium) and Persian (Argos)."""
    workdir = tmp_path_factory.mktemp("browser")
    settings = load_settings(
        make_env(fresh_database(database_url, workdir), workdir / "data", f"{redis_server}/1", argos_dir)
    )
    sessions = make_session_factory(make_engine(settings))
    app = create_app(settings)
    people = factories.make_people(sessions, settings)
    api = app.test_client()
    post = factories.submit(api, people.editor, target_locales=["es", "fa"]).get_json()
    for translation in post["translations"]:
        draft_translation(sessions, settings, post["id"], translation["locale"])
    ids = {t["locale"]: t["id"] for t in post["translations"]}
    with serving(app) as base:
        yield base, ids, post, api, people


def signed_in(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("#sign-in")
    return context, page


def segment(page, position: int):
    return page.locator(f"#segment-{position}")


def test_translator_claims_edits_with_the_keyboard_sees_warnings_and_publishes(site, browser):
    base, ids, post, _api, _people = site
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, base, "maria")
    page.wait_for_url(f"{base}/review")
    assert page.locator("table.queue tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.click("table.queue a")
    page.click("#claim")
    page.wait_for_selector("#approve")

    title = segment(page, 0).locator(".chip-editor")
    title.click()
    title.press("Control+a")
    title.type("Tres escuelas nuevas abren en la ciudad")
    title.press("Control+Enter")
    segment(page, 0).locator(".segment-status", has_text="Saved").wait_for()
    lede = segment(page, 1).locator(".chip-editor")
    assert lede.evaluate("el => el === document.activeElement")  # the keyboard flow moved on

    page.keyboard.press("Control+a")
    page.keyboard.type("Las escuelas acogerán a 1.300 alumnos desde septiembre.")
    page.keyboard.press("Control+Enter")
    warning = segment(page, 1).locator(".warnings li[data-code=numbers_changed]")
    warning.wait_for()
    assert warning.inner_text() == "Numbers differ from the source"
    assert segment(page, 2).locator(".chip-editor").evaluate("el => el === document.activeElement")
    assert lede.get_attribute("dir") == "ltr" and lede.get_attribute("lang") == "es"
    page.screenshot(path=str(ARTIFACTS / "review-editor-es.png"), full_page=True)

    # A second person (an admin) has the same draft open and saves a segment maria saved first.
    other_context, other = signed_in(browser, base, "admin")
    other.goto(f"{base}/review/{ids['es']}")
    page.keyboard.press("Control+a")
    page.keyboard.type("El consejo aprobó el plan el martes.")
    page.keyboard.press("Control+Enter")
    segment(page, 2).locator(".segment-status", has_text="Saved").wait_for()
    theirs = segment(other, 2).locator(".chip-editor")
    theirs.click()
    theirs.press("Control+a")
    theirs.type("El ayuntamiento aprobó el plan.")
    theirs.press("Control+Enter")
    conflict = segment(other, 2).locator(".conflict")
    conflict.wait_for()
    assert "El consejo aprobó el plan el martes." in conflict.inner_text()
    other_context.close()

    with page.expect_navigation():
        page.click("#approve")
    assert page.locator(".flash.success").inner_text() == "Approved and published."  # on the page it belongs to
    page.click("#view-published")
    page.wait_for_url(f"{base}/es/posts/{post['slug']}")
    assert page.locator("h1").inner_text() == "Tres escuelas nuevas abren en la ciudad"
    assert "El consejo aprobó el plan el martes." in page.locator("div.body").inner_text()
    assert page.locator("html").get_attribute("lang") == "es"
    context.close()


def test_persian_draft_is_edited_right_to_left_inside_a_persian_ui(site, browser):
    base, ids, _post, _api, _people = site
    context, page = signed_in(browser, base, "dariush")
    page.wait_for_url(f"{base}/review")
    page.select_option("#ui-language", "fa")
    page.click("#ui-language-apply")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "صف بازبینی"
    page.goto(f"{base}/review/{ids['fa']}")
    page.click("#claim")
    page.wait_for_selector("#approve")
    draft = segment(page, 0).locator(".chip-editor")
    source = segment(page, 0).locator("td.source")
    assert draft.get_attribute("dir") == "rtl" and draft.get_attribute("lang") == "fa"
    assert source.get_attribute("dir") == "ltr"
    draft_box, source_box = draft.bounding_box(), source.bounding_box()
    assert draft_box["x"] < source_box["x"]  # the page mirrors: the source column is on the right
    draft.click()
    draft.press("Control+a")
    draft.type("شهر سه مدرسه‌ی تازه باز می‌کند")
    draft.press("Control+Enter")
    segment(page, 0).locator(".segment-status", has_text="ذخیره شد").wait_for()
    page.screenshot(path=str(ARTIFACTS / "review-editor-fa.png"), full_page=True)
    context.close()


def test_reader_pages_mirror_for_persian_and_are_screenshotted(site, browser):
    base, ids, post, api, people = site
    for action in ("claim", "approve"):  # publish the Persian draft (the review flow is tested above)
        api.post(f"/api/v1/translations/{ids['fa']}/{action}", headers=people.dariush.auth)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for locale, direction in (("en", "ltr"), ("fa", "rtl")):
        page.goto(f"{base}/{locale}/posts/{post['slug']}")
        assert page.locator("html").get_attribute("dir") == direction
        main, aside = page.locator("main").bounding_box(), page.locator("aside.recent").bounding_box()
        assert (main["x"] < aside["x"]) == (direction == "ltr")  # recent posts sit at the end side
        page.screenshot(path=str(ARTIFACTS / f"reader-post-{locale}.png"), full_page=True)
    page.goto(f"{base}/fa/")
    assert page.locator("ol.post-list time").first.inner_text() == "۲ آذر ۱۴۰۵"
    page.screenshot(path=str(ARTIFACTS / "reader-home-fa.png"), full_page=True)
    context.close()
