"""The published post page per locale: language, direction, localised date, markup, 404s."""

import html5lib

from tests.factories import submit
from workers.drafting import draft_translation


def publish(client, people, sessions, settings, locale, translator):
    post = submit(client, people.editor, target_locales=[locale]).get_json()
    draft_translation(sessions, settings, post["id"], locale)
    tid = post["translations"][0]["id"]
    client.post(f"/api/v1/translations/{tid}/claim", headers=translator.auth)
    assert client.post(f"/api/v1/translations/{tid}/approve", headers=translator.auth).status_code == 200
    return post


def parse(response):
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def test_spanish_page_has_lang_dir_date_markup_and_tags(client, people, sessions, settings):
    post = publish(client, people, sessions, settings, "es", people.maria)
    response = client.get(f"/es/posts/{post['slug']}")
    doc = parse(response)
    assert doc.attrib == {"lang": "es", "dir": "ltr"}
    assert doc.find(".//article//time").text == "23 de noviembre de 2026"
    link = doc.find(".//div[@class='body']//a")
    assert link.get("href") == "https://example.org/plan"
    assert doc.find(".//div[@class='body']//em") is not None
    tags = doc.findall(".//a[@rel='tag']")
    assert [(a.text, a.get("href")) for a in tags] == [("educación", "/es/tag/education"), ("ciudad", "/es/tag/city")]
    assert doc.find(".//h1").text == "La ciudad abre tres escuelas nuevas"
    hreflangs = sorted(el.get("hreflang") for el in doc.findall(".//link[@hreflang]"))
    assert hreflangs == ["en", "es", "x-default"]


def test_persian_page_is_right_to_left_with_persian_digits(client, people, sessions, settings):
    post = publish(client, people, sessions, settings, "fa", people.dariush)
    doc = parse(client.get(f"/fa/posts/{post['slug']}"))
    assert doc.attrib == {"lang": "fa", "dir": "rtl"}
    assert doc.find(".//article//time").text == "۲ آذر ۱۴۰۵"  # Solar Hijri, Persian digits


def test_persian_dates_can_use_the_gregorian_calendar(client, people, sessions, settings, app):
    app.extensions["tarjama.settings"] = settings.with_(fa_solar_hijri=False)
    post = publish(client, people, sessions, settings, "fa", people.dariush)
    doc = parse(client.get(f"/fa/posts/{post['slug']}"))
    assert doc.find(".//article//time").text == "۲۳ نوامبر ۲۰۲۶"


def test_missing_locale_gives_a_localised_404_linking_existing_versions(client, people, sessions, settings):
    post = publish(client, people, sessions, settings, "es", people.maria)
    response = client.get(f"/fr/posts/{post['slug']}")
    assert response.status_code == 404
    doc = parse(response)
    assert doc.attrib["lang"] == "fr"
    assert doc.find(".//h1").text == "Page introuvable"
    assert sorted(a.get("href") for a in doc.findall(".//main//a")) == [
        f"/en/posts/{post['slug']}",
        f"/es/posts/{post['slug']}",
    ]


def test_unknown_slug_or_locale_is_404(client):
    assert client.get("/es/posts/nothing-here").status_code == 404
    assert client.get("/xx/posts/nothing-here").status_code == 404


def test_source_page_is_published_at_intake_and_html_is_escaped(client, people):
    post = submit(client, people.editor, title="Fish & <chips> today", target_locales=["es"]).get_json()
    page = client.get(f"/en/posts/{post['slug']}").get_data(as_text=True)
    assert "<h1>Fish &amp; &lt;chips&gt; today</h1>" in page
