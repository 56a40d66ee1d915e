"""XLIFF 2.0 hand-off: export a draft, change it in a CAT tool (translate-toolkit here), import it back."""

from __future__ import annotations

from lxml import etree
from translate.storage.xliff2 import Xliff2File

from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation

NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
X = "{urn:oasis:names:tc:xliff:document:2.0}"


def claimed(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["es"]).get_json()
    draft_translation(sessions, settings, post["id"], "es")
    url = post["translations"][0]["url"]
    assert client.post(f"{url}/claim", headers=people.maria.auth).status_code == 200
    return url


def export(client, person, url) -> bytes:
    response = client.get(f"{url}/xliff", headers=person.auth)
    assert response.status_code == 200 and response.mimetype == "application/xliff+xml"
    return response.data


def put(client, person, url, data: bytes):
    return client.put(f"{url}/xliff", data=data, headers={**person.auth, "Content-Type": "application/xliff+xml"})


def unit(store: Xliff2File, unit_id: str):
    return next(u for u in store.units if u.getid() == unit_id)


def draft(client, person, url) -> dict:
    return client.get(url, headers=person.auth).get_json()


def test_the_export_has_one_unit_per_segment_with_markup_states_and_notes(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    wrong = {"text": "Las escuelas acogerán a 1.300 alumnos.", "version": 1}
    assert client.patch(f"{url}/segments/1", json=wrong, headers=people.maria.auth).status_code == 200
    segments = draft(client, people.maria, url)["segments"]
    root = etree.fromstring(export(client, people.maria, url))
    assert root.get("srcLang") == "en" and root.get("trgLang") == "es"
    units = root.findall(".//x:unit", NS)
    assert [u.get("id") for u in units] == [f"s{s['position']}" for s in segments]
    linked = next(u for u in units if u.find(".//x:source/x:pc", NS) is not None)
    assert [pc.get("id") for pc in linked.findall(".//x:source/x:pc", NS)] == ["1", "2"]
    assert linked.find(".//x:data[@id='dg1']", NS).text.startswith('<a href="https://example.org/plan"')
    states = [s.get("state") for s in root.findall(".//x:segment", NS)]
    assert states[1] == "translated" and set(states[:1] + states[2:]) == {"initial"}  # human edit, MT
    assert [n.text for n in root.findall(".//x:unit[@id='s1']//x:note", NS)] == [
        "Numbers differ from the source",
        "human",
    ]


def test_edits_made_with_translate_toolkit_come_back_as_human_edits(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    store = Xliff2File.parsestring(export(client, people.maria, url))
    unit(store, "s0").target = "Tres escuelas nuevas abren en la ciudad"
    linked = next(u for u in store.units if u.xmlelement.find(f"{X}target/{X}pc") is not None)
    target = linked.xmlelement.find(f"{X}target")
    target.text = "Lea "
    target[0].text = "el plan completo"
    result = put(client, people.maria, url, bytes(store))
    assert result.status_code == 200, result.get_json()
    position = int(linked.getid()[1:])
    assert sorted(result.get_json()["changed"]) == [0, position]
    after = {s["position"]: s for s in draft(client, people.maria, url)["segments"]}
    assert after[0]["text"] == "Tres escuelas nuevas abren en la ciudad"
    assert after[0]["origin"] == "human" and after[0]["version"] == 2
    assert after[position]["text"].startswith("Lea <g1>el plan completo</g1>")
    history = [e["action"] for e in draft(client, people.maria, url)["history"]]
    assert history[-3:] == ["edited", "edited", "xliff_imported"]


def test_an_export_saved_unchanged_imports_as_no_change(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    before = draft(client, people.maria, url)["segments"]
    saved = bytes(Xliff2File.parsestring(export(client, people.maria, url)))
    result = put(client, people.maria, url, saved)
    assert result.status_code == 200 and result.get_json()["changed"] == []
    assert result.get_json()["unchanged"] == len(before)
    assert draft(client, people.maria, url)["segments"] == before


def test_broken_or_foreign_files_are_refused_whole(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    before = draft(client, people.maria, url)["segments"]
    original = export(client, people.maria, url)
    store = Xliff2File.parsestring(original)
    unit(store, "s0").target = "Cambiado"
    target = unit(store, "s2").xmlelement.find(f"{X}target")
    etree.SubElement(target, f"{X}pc", id="9").text = "nuevo"
    refused = put(client, people.maria, url, bytes(store))
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "xliff_rejected" and error["field"] == "file"
    assert error["problems"] == ["unit s2: the translation has inline markup the source does not have"]
    assert draft(client, people.maria, url)["segments"] == before  # s0 was not applied either

    foreign = original.replace(b"tarjama:translation/", b"tarjama:translation/9")
    assert "another draft" in put(client, people.maria, url, foreign).get_json()["error"]["problems"][0]
    older = original.replace(b"/revision/", b"/revision/9")
    assert "older text" in put(client, people.maria, url, older).get_json()["error"]["problems"][0]
    assert "not well-formed" in put(client, people.maria, url, original[:-40]).get_json()["error"]["message"]
    assert draft(client, people.maria, url)["segments"] == before


def test_a_segment_saved_since_the_export_is_not_overwritten(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    store = Xliff2File.parsestring(export(client, people.maria, url))
    assert (
        client.patch(
            f"{url}/segments/0", json={"text": "Guardado antes", "version": 1}, headers=people.maria.auth
        ).status_code
        == 200
    )
    unit(store, "s0").target = "Desde la herramienta"
    refused = put(client, people.maria, url, bytes(store))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["problems"] == ["unit s0 was saved in Tarjama after this file was exported"]
    assert draft(client, people.maria, url)["segments"][0]["text"] == "Guardado antes"
    assert put(client, people.lucia, url, bytes(store)).status_code == 409  # only the claim holder imports


def test_the_editor_has_export_and_import_buttons(client, people, sessions, settings):
    url = claimed(client, people, sessions, settings)
    tid = int(url.rsplit("/", 1)[1])
    sign_in(client, "maria")
    page = client.get(f"/review/{tid}").get_data(as_text=True)
    assert 'id="xliff-export"' in page and 'id="xliff-import"' in page
    exported = client.get(f"/review/{tid}/xliff")
    store = Xliff2File.parsestring(exported.data)
    unit(store, "s0").target = "Desde el editor"
    token = page_token(client, f"/review/{tid}")
    from io import BytesIO

    response = client.post(
        f"/review/{tid}/xliff",
        data={"csrf_token": token, "file": (BytesIO(bytes(store)), "draft.xlf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 segment changed." in response.get_data(as_text=True)
    assert draft(client, people.maria, url)["segments"][0]["text"] == "Desde el editor"
    bad = client.post(
        f"/review/{tid}/xliff",
        data={"csrf_token": token, "file": (BytesIO(b"<xliff"), "draft.xlf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The XLIFF file was not imported; nothing was changed." in bad and "not well-formed" in bad
