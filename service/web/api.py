"""JSON API v1: intake of posts and the review actions, for editors, translators and scripts.

Authentication is a Bearer token (`tarjama tokens create NAME`). Each view does one thing:
check the caller, call the domain, commit, and only then queue work.
"""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service import (
    accounts,
    audit,
    corrections,
    dispatch,
    intake,
    logs,
    memory,
    review,
    revisions,
    tmx,
    withdrawal,
    xliff,
)
from service.db import session_scope
from service.errors import DomainError, Forbidden, InvalidInput, NotFound
from service.models import MemoryEntry, Post, Role, State, Translation, User, as_utc, utcnow
from service.web.database import get_session, settings
from service.web.labels import warning_label
from service.web.openapi import OPENAPI

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send an API token: 'Authorization: Bearer <token>'", field="Authorization")
        user = accounts.user_for_token(get_session(), token.strip())
        if user is None:
            raise Unauthorized("this API token is unknown or revoked", field="Authorization")
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def json_body() -> dict:
    if not request.data:
        return {}
    payload = request.get_json(silent=True)
    if payload is None:
        raise DomainError("the request body is not valid JSON")
    if not isinstance(payload, dict):
        raise InvalidInput("the request body must be a JSON object")
    return payload


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.post("/posts")
@token_required
def create_post():
    session = get_session()
    payload = request.get_json(silent=True)
    if payload is None:
        raise DomainError("the request body is not valid JSON", field="body")
    key = request.headers.get("Idempotency-Key")
    try:
        post, created = intake.submit_post(session, g.user, payload, settings(), key)
        session.commit()
    except IntegrityError:
        session.rollback()
        post, created = intake.submit_post(session, g.user, payload, settings(), key)
    logs.bind(post_id=post.id)  # the rest of this request's log lines name the post
    if created:
        dispatch.enqueue_translations(settings(), [(post.id, t.locale, post.source_locale) for t in post.translations])
    response = jsonify(post_json(post))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_post", post_id=post.id)
    return response


@bp.get("/posts/<int:post_id>")
@token_required
def get_post(post_id: int):
    if g.user.role == Role.reader:
        raise Forbidden("readers cannot see the newsroom's posts")
    return jsonify(post_json(_post(post_id)))


def _post(post_id: int) -> Post:
    post = get_session().get(Post, post_id)
    if post is None:
        raise NotFound(f"post {post_id} does not exist")
    return post


@bp.patch("/posts/<int:post_id>")
@token_required
def edit_post(post_id: int):
    """A correction: a new revision of the same post; only changed segments are translated again."""
    session = get_session()
    if g.user.role not in (Role.editor, Role.admin):
        raise Forbidden("only editors and admins can edit posts")
    post = _post(post_id)
    edit = corrections.edit_post(session, post, g.user, json_body(), settings())
    session.commit()
    dispatch.enqueue_translations(settings(), edit.queue)
    return jsonify(post_json(post))


@bp.post("/posts/<int:post_id>/<any(withdraw, restore):action>")
@token_required
def withdraw_post(post_id: int, action: str):
    session, post = get_session(), _post(post_id)
    change = withdrawal.withdraw if action == "withdraw" else withdrawal.restore
    payload = json_body()
    unknown = sorted(set(payload) - {"locales"})
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}; allowed: locales", field=unknown[0])
    change(session, post, g.user, payload.get("locales"))
    session.commit()
    return jsonify(post_json(post))


@bp.delete("/posts/<int:post_id>")
@token_required
def delete_post(post_id: int):
    session = get_session()
    if g.user.role != Role.admin:
        raise Forbidden("only admins can delete posts")
    withdrawal.delete_post(session, _post(post_id), g.user)
    session.commit()
    return "", 204


@bp.get("/translations")
@token_required
def list_translations():
    query = select(Translation).order_by(Translation.state_changed_at.desc()).limit(200)
    locale, state = request.args.get("locale"), request.args.get("state")
    if state and state not in {s.value for s in State}:
        raise InvalidInput(f"state must be one of {', '.join(s.value for s in State)}", field="state")
    if locale:
        query = query.where(Translation.locale == locale)
    if state:
        query = query.where(Translation.state == state)
    if g.user.role == Role.translator:
        query = query.where(Translation.locale.in_(g.user.languages))
    elif g.user.role == Role.reader:
        raise Forbidden("readers cannot see drafts")
    return jsonify(translations=[translation_summary(t) for t in get_session().scalars(query)])


def _translation(translation_id: int) -> Translation:
    translation = get_session().get(Translation, translation_id)
    user: User = g.user
    if translation is None or (user.role == Role.translator and translation.locale not in user.languages):
        raise NotFound(f"translation {translation_id} does not exist or is not in your languages")
    if user.role == Role.reader:
        raise Forbidden("readers cannot see drafts")
    return translation


@bp.get("/translations/<int:translation_id>")
@token_required
def get_translation(translation_id: int):
    return jsonify(translation_json(_translation(translation_id)))


@bp.post("/translations/<int:translation_id>/<action>")
@token_required
def act_on_translation(translation_id: int, action: str):
    session, translation = get_session(), _translation(translation_id)
    payload = json_body()
    review.perform(
        session,
        translation,
        g.user,
        action,
        idle_seconds=settings().claim_idle_seconds,
        comment=payload.get("comment"),
        versions=payload.get("versions"),
    )
    session.commit()
    if action == "retry":
        dispatch.enqueue_translations(
            settings(), [(translation.post_id, translation.locale, translation.post.source_locale)]
        )
    return jsonify(translation_json(translation))


@bp.patch("/translations/<int:translation_id>/segments/<int:position>")
@token_required
def edit_segment(translation_id: int, position: int):
    session, translation = get_session(), _translation(translation_id)
    payload = json_body()
    segment = review.edit_segment(session, translation, position, g.user, payload.get("text"), payload.get("version"))
    session.commit()
    sources = {s.position: s for s in translation.revision.segments}
    return jsonify(segment_json(segment, sources[position]))


@bp.get("/translations/<int:translation_id>/xliff")
@token_required
def export_xliff(translation_id: int):
    return xliff_download(_translation(translation_id))


@bp.put("/translations/<int:translation_id>/xliff")
@token_required
def import_xliff(translation_id: int):
    """The claim holder sends back the file from a CAT tool: applied whole, or refused whole (422)."""
    session, translation = get_session(), _translation(translation_id)
    report = xliff.import_file(session, translation, g.user, request.get_data())
    session.commit()
    return jsonify(changed=report.changed, unchanged=report.unchanged, translation=translation_json(translation))


@bp.get("/translations/<int:translation_id>/memory")
@token_required
def translation_memory(translation_id: int):
    """Near matches (>= 75%) from translation memory for each segment not filled from it."""
    session, translation = get_session(), _translation(translation_id)
    found = memory.suggestions(session, translation)
    return jsonify(matches={str(position): [suggestion_json(s) for s in items] for position, items in found.items()})


def _memory_pair() -> tuple[str, str]:
    """The ?source=&target= language pair, checked against the site's locales and the caller's role."""
    locales = settings().locales
    pair = request.args.get("source", ""), request.args.get("target", "")
    for name, value in zip(("source", "target"), pair, strict=True):
        if value not in locales:
            raise InvalidInput(f"{name} must be one of {', '.join(locales)}", field=name)
    if g.user.role == Role.reader or (g.user.role == Role.translator and pair[1] not in g.user.languages):
        raise Forbidden("only editors, admins and the target language's translators can read this memory")
    return pair


@bp.get("/memory.tmx")
@token_required
def export_memory():
    """The memory of a language pair as TMX 1.4b (editors and admins)."""
    if g.user.role not in (Role.editor, Role.admin):
        raise Forbidden("only editors and admins can export the translation memory")
    source, target = _memory_pair()
    sessions = current_app.extensions["tarjama.sessions"]

    def stream():
        """Its own session, closed when the last piece is sent (or the client goes away)."""
        with session_scope(sessions) as session:
            yield from tmx.export(session, source, target)

    return Response(
        stream(),
        mimetype="application/x-tmx+xml",
        headers={"Content-Disposition": f'attachment; filename="memory-{source}-{target}.tmx"'},
    )


@bp.get("/memory")
@token_required
def search_memory():
    source, target = _memory_pair()
    entries = memory.search(get_session(), source, target, request.args.get("q", ""))
    return jsonify(entries=[entry_json(e) for e in entries])


@bp.delete("/memory/<int:entry_id>")
@token_required
def delete_memory_entry(entry_id: int):
    session = get_session()
    memory.delete_entry(session, entry_id, g.user)
    session.commit()
    return "", 204


def xliff_download(translation: Translation) -> Response:
    """The translation as an XLIFF file for a CAT tool (API and editor page alike)."""
    filename = f"{translation.post.slug}.{translation.post.source_locale}-{translation.locale}.xlf"
    return Response(
        xliff.export(translation, warning_label),
        mimetype="application/xliff+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def entry_json(entry: MemoryEntry) -> dict:
    return {
        "id": entry.id,
        "source_locale": entry.source_locale,
        "target_locale": entry.target_locale,
        "source": entry.source_text,
        "target": entry.target_text,
        "post_id": entry.post_id,
        "approved_by": entry.approved_by_name,
        "approved_at": iso(entry.approved_at),
    }


def suggestion_json(suggestion: memory.Suggestion) -> dict:
    return {
        **entry_json(suggestion.entry),
        "score": suggestion.score,
        "target": suggestion.target,
        "diff": [list(op) for op in suggestion.diff],
    }


def iso(moment: datetime) -> str:
    """ISO 8601 with the UTC offset (SQLite hands back naive UTC datetimes)."""
    return as_utc(moment).isoformat()


def post_json(post: Post) -> dict:
    revision = post.current_revision
    session = get_session()
    published = corrections.published_versions(session, post.id)
    return {
        "id": post.id,
        "slug": post.slug,
        "title": revision.title,
        "source_locale": post.source_locale,
        "author": post.author,
        "tags": post.tags,
        "categories": post.categories,
        "published_at": iso(post.published_at),
        "revision": revision.number,
        "segments": len(revision.segments),
        "url": url_for("reader.post_page", locale=post.source_locale, slug=post.slug),
        "embargoed": as_utc(post.published_at) > utcnow(),
        "withdrawn": post.withdrawn_at is not None,
        "published": {
            locale: {"revision": number, "current": number == revision.number, "withdrawn": gone}
            for locale, (number, gone) in sorted(published.items())
        },
        "translations": [translation_summary(t) for t in post.translations],
        "history": [
            {"action": e.action, "by": e.actor.username if e.actor else None, "at": iso(e.at), **(e.data or {})}
            for e in audit.history(session, post.id)
        ],
    }


def translation_summary(translation: Translation) -> dict:
    return {
        "id": translation.id,
        "post_id": translation.post_id,
        "locale": translation.locale,
        "state": translation.state,
        "error": translation.error,
        "claimed_by": translation.claimed_by.username if translation.claimed_by else None,
        "review_comment": translation.review_comment,
        "revision": translation.revision.number,
        "correction": translation.correction,
        "updated_at": iso(translation.state_changed_at),
        "url": url_for("api.get_translation", translation_id=translation.id),
        "page": url_for("reader.post_page", locale=translation.locale, slug=translation.post.slug)
        if translation.state == State.published.value
        else None,
    }


def segment_json(segment, source) -> dict:
    return {
        "position": segment.position,
        "block": source.block,
        "source": source.source_text,
        "text": segment.text,
        "origin": segment.origin,
        "warnings": segment.warnings,
        "confidence": segment.confidence,
        "version": segment.version,
        "carried_over": segment.carried_over,
        **(
            {
                "previous_source": segment.previous_source,
                "source_diff": [list(op) for op in revisions.word_diff(segment.previous_source, source.source_text)],
            }
            if segment.previous_source is not None
            else {}
        ),
    }


def translation_json(translation: Translation) -> dict:
    drafts = {s.position: s for s in translation.segments}
    segments = [segment_json(drafts[s.position], s) for s in translation.revision.segments if s.position in drafts]
    history = [
        {
            "action": e.action,
            "by": e.actor.username if e.actor else None,
            "at": iso(e.at),
            "detail": e.detail,
            **({"revision": e.data["revision"]} if e.data and "revision" in e.data else {}),
        }
        for e in translation.events
    ]
    return {**translation_summary(translation), "engine": translation.engine, "segments": segments, "history": history}
