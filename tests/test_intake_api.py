"""POST /api/v1/posts and GET /api/v1/posts/{id}: what an editor's script sees."""

from sqlalchemy import func, select

from service.models import Post, Segment, Translation
from tests.factories import story, submit


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_submit_returns_201_location_slug_and_a_queued_translation_per_target(client, people, sessions):
    response = submit(client, people.editor)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/posts/{body['id']}"
    assert body["slug"] == "city-opens-three-new-schools"
    assert [(t["locale"], t["state"]) for t in body["translations"]] == [
        (loc, "queued") for loc in sorted(["fa", "ar", "fr", "de", "es"])
    ]
    assert count(sessions, Segment) == body["segments"] == 10
    fetched = client.get(response.headers["Location"], headers=people.editor.auth).get_json()
    assert fetched["translations"] == body["translations"]


def test_submitting_queues_the_work_in_redis_after_commit(client, people, settings):
    import redis

    queue = redis.Redis.from_url(settings.redis_url)
    queue.flushdb()
    submit(client, people.editor, target_locales=["es", "de"])
    assert queue.llen("translate.apertium.en-es") == queue.llen("translate.argos.en-de") == 1  # one queue per pair


def test_target_locales_and_same_title_give_a_second_slug(client, people):
    first = submit(client, people.editor, target_locales=["es"]).get_json()
    second = submit(client, people.editor, target_locales=["fa", "es"]).get_json()
    assert [t["locale"] for t in first["translations"]] == ["es"]
    assert second["slug"] == "city-opens-three-new-schools-2"


def test_idempotency_key_replays_the_first_answer_without_a_second_post(client, people, sessions):
    headers = {**people.editor.auth, "Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/posts", json=story(), headers=headers)
    again = client.post("/api/v1/posts", json=story(), headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(sessions, Post) == 1
    reused = client.post("/api/v1/posts", json=story(title="Another"), headers=headers)
    assert reused.status_code == 422
    assert reused.get_json()["error"]["field"] == "Idempotency-Key"


def error_of(response):
    return response.status_code, response.get_json()["error"]["field"]


def test_each_invalid_field_is_named_and_nothing_is_stored(client, people, sessions):
    cases = {
        "title": {"title": "  "},
        "body": {"body": ""},
        "format": {"format": "docx"},
        "tags": {"tags": ["education", "city"] + [5]},
        "target_locales": {"target_locales": ["it"]},
        "source_locale": {"source_locale": "xx"},
        "published_at": {"published_at": "next tuesday"},
        "colour": {"colour": "red"},
    }
    for field, change in cases.items():
        assert error_of(submit(client, people.editor, **change)) == (422, field)
    assert error_of(submit(client, people.editor, target_locales=["en"])) == (422, "target_locales")
    assert error_of(submit(client, people.editor, title="x" * 301)) == (422, "title")
    only_script = submit(client, people.editor, body="<script>alert(1)</script>")
    assert error_of(only_script) == (422, "body")
    assert count(sessions, Post) == 0 and count(sessions, Translation) == 0


def test_broken_json_is_400_and_oversized_is_413(client, people, app):
    broken = client.post(
        "/api/v1/posts", data="{not json", headers={**people.editor.auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.get_json()["error"]["message"] == "the request body is not valid JSON"
    huge = submit(client, people.editor, body="word " * (app.config["MAX_CONTENT_LENGTH"] // 5 + 10))
    assert huge.status_code == 413
    assert huge.get_json()["error"]["code"] == "too_large"


def test_tokens_and_roles_are_checked(client, people):
    assert submit(client, people.editor).status_code == 201
    missing = client.post("/api/v1/posts", json=story())
    assert missing.status_code == 401 and missing.get_json()["error"]["field"] == "Authorization"
    wrong = client.post("/api/v1/posts", json=story(), headers={"Authorization": "Bearer trj_nope"})
    assert wrong.status_code == 401
    translator = submit(client, people.maria)
    assert translator.status_code == 403
    assert client.get("/api/v1/posts/999", headers=people.editor.auth).status_code == 404


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/posts", "/posts/{id}", "/translations", "/translations/{id}/claim"} <= set(spec["paths"])
