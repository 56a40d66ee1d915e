"""Claim, edit, approve, reject and retry through the API, with the permissions they need."""

from tests.factories import submit
from workers.drafting import draft_translation


def drafted(client, people, sessions, settings, locale="es"):
    post = submit(client, people.editor, target_locales=[locale]).get_json()
    assert draft_translation(sessions, settings, post["id"], locale) == "awaiting_review"
    return post, post["translations"][0]["id"]


def act(client, person, translation_id, action, **body):
    return client.post(f"/api/v1/translations/{translation_id}/{action}", json=body or None, headers=person.auth)


def edit(client, person, translation_id, position, text, version):
    return client.patch(
        f"/api/v1/translations/{translation_id}/segments/{position}",
        json={"text": text, "version": version},
        headers=person.auth,
    )


def test_translator_sees_only_their_locales(client, people, sessions, settings):
    _, es_id = drafted(client, people, sessions, settings, "es")
    listed = client.get("/api/v1/translations?state=awaiting_review", headers=people.dariush.auth).get_json()
    assert listed["translations"] == []
    mine = client.get("/api/v1/translations?locale=es", headers=people.maria.auth).get_json()["translations"]
    assert [t["id"] for t in mine] == [es_id]
    assert client.get(f"/api/v1/translations/{es_id}", headers=people.dariush.auth).status_code == 404
    assert client.get("/api/v1/translations?state=done", headers=people.maria.auth).status_code == 422


def test_claim_edit_approve_publishes_and_records_history(client, people, sessions, settings):
    post, tid = drafted(client, people, sessions, settings)
    assert act(client, people.editor, tid, "claim").status_code == 403
    claimed = act(client, people.maria, tid, "claim").get_json()
    assert claimed["state"] == "in_review" and claimed["claimed_by"] == "maria"
    held = act(client, people.lucia, tid, "claim")
    assert held.status_code == 409 and held.get_json()["error"]["holder"] == "maria"
    saved = edit(client, people.maria, tid, 0, "Tres escuelas nuevas abren en la ciudad", 1).get_json()
    assert saved["origin"] == "human" and saved["version"] == 2
    approved = act(client, people.maria, tid, "approve").get_json()
    assert approved["state"] == "published" and approved["page"] == f"/es/posts/{post['slug']}"
    assert [e["action"] for e in approved["history"]] == [
        "queued",
        "drafted",
        "claimed",
        "edited",
        "approved",
        "published",
    ]
    page = client.get(approved["page"])
    assert page.status_code == 200 and "Tres escuelas nuevas abren en la ciudad" in page.get_data(as_text=True)


def test_stale_version_gets_409_with_the_other_persons_text(client, people, sessions, settings):
    _, tid = drafted(client, people, sessions, settings)
    act(client, people.maria, tid, "claim")
    assert edit(client, people.maria, tid, 1, "Primera versión.", 1).status_code == 200
    stale = edit(client, people.maria, tid, 1, "Versión vieja.", 1)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current"] == {"text": "Primera versión.", "version": 2}
    segment = client.get(f"/api/v1/translations/{tid}", headers=people.maria.auth).get_json()["segments"][1]
    assert segment["text"] == "Primera versión."


def test_editing_needs_the_claim_and_a_valid_body(client, people, sessions, settings):
    _, tid = drafted(client, people, sessions, settings)
    assert edit(client, people.maria, tid, 0, "x", 1).status_code == 409
    act(client, people.maria, tid, "claim")
    assert edit(client, people.maria, tid, 999, "x", 1).status_code == 404
    bad = client.patch(f"/api/v1/translations/{tid}/segments/0", json={"text": "x"}, headers=people.maria.auth)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "version"
    warned = edit(client, people.maria, tid, 1, "Las escuelas acogerán a 1.300 alumnos desde septiembre.", 1).get_json()
    assert "numbers_changed" in warned["warnings"]


def test_reject_needs_a_comment_and_sends_the_draft_back(client, people, sessions, settings):
    _, tid = drafted(client, people, sessions, settings)
    act(client, people.maria, tid, "claim")
    no_comment = act(client, people.maria, tid, "reject")
    assert no_comment.status_code == 422 and no_comment.get_json()["error"]["field"] == "comment"
    rejected = act(client, people.maria, tid, "reject", comment="The title is wrong").get_json()
    assert rejected["state"] == "rejected" and rejected["review_comment"] == "The title is wrong"
    assert rejected["claimed_by"] is None
    assert act(client, people.lucia, tid, "claim").get_json()["state"] == "in_review"


def test_failed_translation_keeps_its_error_and_can_be_retried(client, people, sessions, settings):
    post = submit(client, people.editor, target_locales=["ar"]).get_json()
    assert draft_translation(sessions, settings, post["id"], "ar") == "failed"
    tid = post["translations"][0]["id"]
    failed = client.get(f"/api/v1/translations/{tid}", headers=people.admin.auth).get_json()
    assert "no Argos package installed for en->ar" in failed["error"]
    assert "tarjama models install en ar" in failed["error"]
    retried = act(client, people.editor, tid, "retry").get_json()
    assert retried["state"] == "queued"
    assert act(client, people.editor, tid, "retry").status_code == 409


def versions_of(client, person, translation_id) -> dict[str, int]:
    read = client.get(f"/api/v1/translations/{translation_id}", headers=person.auth).get_json()
    return {str(segment["position"]): segment["version"] for segment in read["segments"]}


def test_approve_with_versions_refuses_segments_saved_since_they_were_read(client, people, sessions, settings):
    post, tid = drafted(client, people, sessions, settings)
    act(client, people.maria, tid, "claim")
    read = versions_of(client, people.maria, tid)  # the API client reviews this text...
    assert edit(client, people.admin, tid, 1, "Corregido por la administradora.", read["1"]).status_code == 200

    stale = act(client, people.maria, tid, "approve", versions=read)  # ...and approves what it read
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["field"] == "versions" and error["message"].startswith("segments 2 were saved since you read them")
    assert error["current"] == {"1": {"text": "Corregido por la administradora.", "version": read["1"] + 1}}
    for bad in ({"99": 1}, {"-1": 1}, {"first": 1}, {"0": "1"}, {"0": 1.0}, {"0": True}, {"0": None}, ["1"]):
        refused = act(client, people.maria, tid, "approve", versions=bad)
        assert refused.status_code == 422, bad
        assert refused.get_json()["error"]["field"] == "versions"
    state = client.get(f"/api/v1/translations/{tid}", headers=people.maria.auth).get_json()
    assert state["state"] == "in_review" and state["page"] is None
    assert client.get(f"/es/posts/{post['slug']}").status_code == 404  # nothing published

    approved = act(client, people.maria, tid, "approve", versions=versions_of(client, people.maria, tid))
    assert approved.status_code == 200 and approved.get_json()["state"] == "published"
    assert "Corregido por la administradora." in client.get(f"/es/posts/{post['slug']}").get_data(as_text=True)
