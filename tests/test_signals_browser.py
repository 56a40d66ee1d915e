"""Discussion and the Models page in real headless Chromium: a comment with an @mention on a
segment reaches the mentioned editor's header and notifications page; an admin uploads an
.argosmodel with a progress bar and sees the pair installed. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.db import make_engine, make_session_factory
from service.settings import load_settings
from tests import factories
from tests.conftest import fresh_database, make_env
from tests.live_server import serving
from tests.test_browser import ARTIFACTS, signed_in
from workers.drafting import draft_translation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_url, redis_server, argos_dir):
    workdir = tmp_path_factory.mktemp("signals-browser")
    settings = load_settings(
        make_env(fresh_database(database_url, workdir), workdir / "data", f"{redis_server}/1", argos_dir)
    )
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    app = create_app(settings)
    people = factories.make_people(sessions, settings)
    post = factories.submit(app.test_client(), people.editor, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    with serving(app) as base:
        yield base, post["translations"][0]["id"], settings
    engine.dispose()


def test_a_mention_on_a_segment_shows_up_in_the_editors_header(site, browser):
    base, es_id, _settings = site
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, base, "maria")
    page.goto(f"{base}/review/{es_id}")
    page.locator("#segment-2 .comment-on-segment").click()
    assert page.locator("#comment-position").input_value() == "2"
    assert page.locator("#comment-body").evaluate("el => el === document.activeElement")
    page.keyboard.type("@editor is <em>plan</em> the right word here?")
    page.click("#post-comment")
    page.wait_for_url(f"{base}/review/{es_id}#comments")
    posted = page.locator(".comment-list li").first
    assert "@editor is <em>plan</em> the right word here?" in posted.inner_text()  # shown as typed, not as HTML
    assert posted.locator("em").count() == 0 and posted.locator(".mention").inner_text() == "@editor"
    assert posted.get_attribute("data-position") == "2"
    context.close()

    context, page = signed_in(browser, base, "editor")
    badge = page.locator("#notifications-link .unread-count")
    assert badge.inner_text() == "1"
    page.click("#notifications-link")
    item = page.locator("li.notification.unread[data-kind=mention]")
    assert "maria mentioned you on the Spanish translation of “City opens three new schools”" in item.inner_text()
    page.screenshot(path=str(ARTIFACTS / "notifications-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "notifications-390.png"), full_page=True)
    item.locator("a").click()
    page.locator(".comment-list .mention", has_text="@editor").wait_for()
    page.screenshot(path=str(ARTIFACTS / "discussion-390.png"), full_page=True)
    context.close()


def test_admin_uploads_a_model_and_sees_the_pair_installed(site, browser, tmp_path):
    from workers.mt import packages
    from workers.mt.synthetic import build_package

    base, _es_id, settings = site
    archive = build_package(tmp_path, "en", "ar", seed=5)
    context, page = signed_in(browser, base, "admin")
    page.goto(f"{base}/admin/models")
    assert page.locator("tr[data-pair=en-ar]").get_attribute("data-installed") == "no"
    try:
        page.set_input_files("#model-file", str(archive))
        with page.expect_navigation():
            page.click("#model-install")
        assert page.locator("#model-progress").get_attribute("hidden") is not None  # a fresh page after the upload
        assert page.locator("tr[data-pair=en-ar]").get_attribute("data-installed") == "yes"
        assert "Installed the en → ar model." in page.locator(".flash").inner_text()
        page.screenshot(path=str(ARTIFACTS / "models-1280.png"), full_page=True)
    finally:
        packages.remove(settings, "en", "ar")
    context.close()
