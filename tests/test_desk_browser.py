"""A day at the desk in real headless Chromium: no edit is lost, markup travels as chips, the desk
and queue follow the drafts live, and the Persian/Arabic UI holds at desktop and phone widths.

Screenshots (1280 px and 390 px) are written to test-artifacts/desk/ (ignored by git).
"""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.test_browser import ARTIFACTS, signed_in, site  # noqa: F401 - fixtures
from workers.drafting import draft_translation

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "desk"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Words that stay Latin in every UI language: format names, keys, people, the site's name.
NOT_ENGLISH = {
    "XLIFF",
    "Markdown",
    "HTML",
    "Ctrl",
    "Alt",
    "Enter",
    "NUL",
    "Tarjama",
    "maria",
    "dariush",
    "editor",
    "admin",
}


def _draft(running, locale: str, **overrides) -> int:
    """A new post drafted into one locale, through the API and the real drafting step."""
    _base, _ids, _post, api, people = running
    post = factories.submit(api, people.editor, target_locales=[locale], **overrides).get_json()
    app = api.application
    draft_translation(app.extensions["tarjama.sessions"], app.extensions["tarjama.settings"], post["id"], locale)
    return post["translations"][0]["id"]


def _segments(running, tid: int, person) -> dict[int, dict]:
    api = running[3]
    body = api.get(f"/api/v1/translations/{tid}", headers=person.auth).get_json()
    return {s["position"]: s for s in body["segments"]}


def _retype(page, position: int, text: str):
    editor = page.locator(f"#segment-{position} .chip-editor")
    editor.click()
    editor.press("Control+a")
    page.keyboard.type(text)
    return editor


def _status(page, position: int, state: str) -> None:
    page.locator(f"#segment-{position} .segment-status[data-state={state}]").wait_for()


def test_typed_text_survives_going_offline_and_a_reload_and_approve_publishes_it(site, browser):  # noqa: F811
    base, _ids, _post, api, people = site
    tid = _draft(site, "es", title="Ferry service resumes")
    api.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    context, page = signed_in(browser, base, "maria")
    page.goto(f"{base}/review/{tid}")

    # The network drops while typing: the text stays in the browser, the status says so.
    context.set_offline(True)
    _retype(page, 1, "Texto escrito sin conexión.")
    page.keyboard.press("Tab")  # leaving the segment saves it (and fails, offline)
    _status(page, 1, "failed")
    context.set_offline(False)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]  # leaving with unsaved text asked first
    _status(page, 1, "saved")  # the local draft came back and was saved
    assert _segments(site, tid, people.maria)[1]["text"] == "Texto escrito sin conexión."

    # Someone saves segment 3 first: the typed text is not theirs, so Approve refuses.
    current = _segments(site, tid, people.maria)[3]
    api.patch(
        f"/api/v1/translations/{tid}/segments/3",
        json={"text": "Texto del administrador.", "version": current["version"]},
        headers=people.admin.auth,
    )
    _retype(page, 3, "Mi versión del segmento.")
    page.locator("#segment-3 .conflict").wait_for()
    page.click("#approve")
    notice = page.locator("#approve-notice")
    notice.filter(has_text="Not approved").wait_for()
    assert page.url == f"{base}/review/{tid}"
    page.locator("#segment-3 .conflict button.secondary").click()  # take their text

    # Typing and approving at once publishes what was typed, never the old text.
    _retype(page, 2, "Texto recién escrito antes de aprobar.")
    with page.expect_navigation():
        page.click("#approve")
    assert page.locator(".flash.success").count() == 1
    page.click("#view-published")
    body = page.locator("div.body").inner_text()
    assert "Texto recién escrito antes de aprobar." in body and "Texto del administrador." in body
    context.close()


def test_markup_shows_as_chips_that_round_trip_and_keep_their_order_right_to_left(site, browser):  # noqa: F811
    base, ids, _post, api, people = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    tid = _draft(site, "es", title="Council publishes the plan")
    api.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    context, page = signed_in(browser, base, "maria")
    page.goto(f"{base}/review/{tid}")
    source_chips = page.locator("#segment-3 td.source .chip")
    assert source_chips.count() == 4  # <g1>…</g1> link, <g2>…</g2> italics
    assert "https://example.org/plan" in source_chips.first.get_attribute("title")
    assert "<g1>" not in page.locator("#segment-3 td.source").inner_text()

    _retype(page, 3, "Lea el plan completo")
    for _ in "el plan completo":
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+Period")  # wraps the selection in the missing link
    page.keyboard.press("End")
    page.keyboard.type(" antes de la ")
    page.keyboard.press("Control+Period")  # the missing italics, typed into
    page.keyboard.type("reunión pública")
    page.keyboard.press("End")
    page.keyboard.type(".")
    page.keyboard.press("Control+Enter")
    _status(page, 3, "saved")
    saved = _segments(site, tid, people.maria)[3]
    assert saved["text"] == "Lea <g1>el plan completo</g1> antes de la <g2>reunión pública</g2>."
    assert page.locator("#segment-3 .warnings li").count() == 0

    editor = page.locator("#segment-3 .chip-editor")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # the closing italics chip goes as one piece
    page.keyboard.press("Control+Enter")
    page.locator("#segment-3 .warnings li[data-code=markup_lost]").wait_for()
    assert "</g2>" not in _segments(site, tid, people.maria)[3]["text"]
    page.screenshot(path=str(SHOTS / "chips-es.png"), full_page=True)
    context.close()

    api.post(f"/api/v1/translations/{ids['fa']}/claim", headers=people.dariush.auth)
    context, page = signed_in(browser, base, "dariush")
    page.goto(f"{base}/review/{ids['fa']}")
    _retype(page, 3, "برنامهٔ کامل را بخوانید")
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+Period")
    page.keyboard.press("Control+Enter")
    _status(page, 3, "saved")
    assert _segments(site, ids["fa"], people.dariush)[3]["text"] == "<g1>برنامهٔ کامل را بخوانید</g1>"
    opening = page.locator('#segment-3 .chip-editor .chip[data-token="<g1>"]').bounding_box()
    closing = page.locator('#segment-3 .chip-editor .chip[data-token="</g1>"]').bounding_box()
    assert opening["x"] > closing["x"]  # right to left: the link opens on the right
    page.screenshot(path=str(SHOTS / "chips-fa.png"), full_page=True)
    context.close()


def test_desk_and_queue_change_state_without_a_reload(site, browser):  # noqa: F811
    base, _ids, _post, api, people = site
    tid = _draft(site, "es", title="Library extends its hours")
    desk_context, desk = signed_in(browser, base, "editor")
    queue_context, queue = signed_in(browser, base, "maria")
    queue.goto(f"{base}/review")
    badge = desk.locator(f'li[data-translation="{tid}"] .state')
    assert badge.inner_text() == "Awaiting review"
    row = desk.locator(f'tr:has(li[data-translation="{tid}"]) .progress-summary')
    assert row.inner_text() == "drafted 1/1"

    api.post(f"/api/v1/translations/{tid}/claim", headers=people.maria.auth)
    desk.locator(f'li[data-translation="{tid}"] .state[data-state=in_review]').wait_for(timeout=20000)
    assert badge.inner_text() == "In review" and row.inner_text() == "drafted 1/1 · in review 1"
    queue.locator(f'tr[data-translation="{tid}"] .held-by', has_text="maria").wait_for(timeout=20000)

    api.post(f"/api/v1/translations/{tid}/release", headers=people.maria.auth)
    queue.locator(f'tr[data-translation="{tid}"] .state[data-state=awaiting_review]').wait_for(timeout=20000)
    assert queue.locator(f'tr[data-translation="{tid}"] .held-by').inner_text() == "—"
    desk_context.close()
    queue_context.close()


def _english_left(page) -> set[str]:
    """Latin words in the page's own wording: content in another language (lang=…) and what
    people typed are left out; what remains must be in the UI language."""
    text = page.evaluate(
        """(ui) => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('[lang]:not([lang="' + ui + '"]), .chip-editor, textarea, input, select, kbd, .skip-link:not(:focus), script')
                .forEach((el) => el.remove());
            return copy.innerText;
        }""",
        page.locator("html").get_attribute("lang"),
    )
    return {word for word in re.findall(r"[A-Za-z][A-Za-z-]+", text) if word not in NOT_ENGLISH}


def _layout_holds(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"the page is {overflow} px wide at {width} px"


def test_persian_and_arabic_pages_have_no_english_and_hold_at_both_widths(site, browser):  # noqa: F811
    base, ids, _post, api, people = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    api.post(f"/api/v1/translations/{ids['fa']}/claim", headers=people.dariush.auth)
    for name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.goto(f"{base}/login")
        password, username = page.locator("input[type=password]"), page.locator("input[name=username]")
        assert password.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
        assert abs(password.bounding_box()["height"] - username.bounding_box()["height"]) < 1
        page.screenshot(path=str(SHOTS / f"login-{name}.png"), full_page=True)
        page.fill("input[name=username]", "editor")
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("#sign-in")
        page.wait_for_url(f"{base}/editor")

        # The desk's form: typed text is not bold, boxes grow, checkboxes sit beside their names.
        title = page.locator("input[name=title]")
        assert title.evaluate("el => getComputedStyle(el).fontWeight") == "400"
        assert page.locator("ul.locales-cell").first.evaluate("el => getComputedStyle(el).listStyleType") == "none"
        for label in page.locator("fieldset label").all():
            box, words = label.locator("input").bounding_box(), label.locator("span").bounding_box()
            assert words["y"] <= box["y"] + box["height"] / 2 <= words["y"] + words["height"]
        lede = page.locator("textarea[name=lede]")
        short = lede.bounding_box()["height"]
        lede.fill("A long lede. " * 60)
        assert lede.bounding_box()["height"] > 2 * short
        _layout_holds(page, width)
        page.screenshot(path=str(SHOTS / f"desk-en-{name}.png"), full_page=True)

        # A form error, then another UI language: the same page, the typed text kept.
        page.click("form.grid-form button[type=submit]")
        page.locator(".field-error").wait_for()
        for index, locale in enumerate(("fa", "ar")):
            page.select_option("#ui-language", locale)
            page.click("#ui-language-apply")
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == locale
            if index == 0:  # still the form's page: what was typed is still there
                assert page.locator("textarea[name=lede]").input_value() == "A long lede. " * 60
            else:
                page.goto(f"{base}/editor")
            assert _english_left(page) == set(), (locale, "desk")
            page.screenshot(path=str(SHOTS / f"desk-{locale}-{name}.png"), full_page=True)
            page.goto(f"{base}/account")
            assert _english_left(page) == set(), (locale, "account")
        context.close()

        context, page = signed_in(browser, base, "dariush")
        page.set_viewport_size({"width": width, "height": height})
        for locale in ("fa", "ar"):
            page.select_option("#ui-language", locale)
            page.click("#ui-language-apply")
            page.wait_for_load_state()
            page.goto(f"{base}/review")
            assert _english_left(page) == set(), (locale, "queue")
            _layout_holds(page, width)
            page.screenshot(path=str(SHOTS / f"queue-{locale}-{name}.png"), full_page=True)
            page.goto(f"{base}/review/{ids['fa']}")
            assert _english_left(page) == set(), (locale, "editor")
            _layout_holds(page, width)
            page.screenshot(path=str(SHOTS / f"editor-{locale}-{name}.png"), full_page=True)
        # Keyboard: two Tabs reach "skip to the segments", one more the first segment.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('tr.segment')?.id") == "segment-0"
        context.close()
    print(f"screenshots: {SHOTS}")


def test_new_posts_and_new_drafts_are_announced_with_a_link_that_shows_them(site, browser):  # noqa: F811
    base = site[0]
    desk_context, desk = signed_in(browser, base, "editor")
    queue_context, queue = signed_in(browser, base, "maria")
    queue.goto(f"{base}/review")
    desk.locator("table.posts").wait_for()
    assert desk.locator(".live-news").is_hidden() and queue.locator(".live-news").is_hidden()

    tid = _draft(site, "es", title="Ferry timetable changes")  # another editor's tool posts it; it is drafted
    for page in (desk, queue):
        page.locator(".live-news").wait_for(state="visible", timeout=20000)
        assert page.locator(f'[data-translation="{tid}"]').count() == 0  # no row jumps in by itself
    queue.click(".live-news a")
    queue.locator(f'tr[data-translation="{tid}"]').wait_for()
    desk.click(".live-news a")
    desk.locator(f'li[data-translation="{tid}"]').wait_for()
    assert desk.locator(".live-news").is_hidden()
    desk_context.close()
    queue_context.close()
