"""Translators' pages: the review queue, the side-by-side editor, preview, and review actions."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from service import desk, publishing, queue, review, terms
from service.chips import chip_info
from service.errors import DomainError
from service.models import Role, Translation, User
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.guard import database_id
from service.web.labels import ui_message, warning_label

bp = Blueprint("review_queue", __name__, url_prefix="/review")
reviewer = role_required(Role.translator, Role.admin)


def visible_translation(translation_id: int) -> Translation:
    """The translation if it is in the reviewer's languages; 404 otherwise (the review pages share it)."""
    translation = get_session().get(Translation, translation_id)
    if translation is None or translation.locale not in queue.visible_locales(g.user, settings().locales):
        abort(404)
    return translation


@bp.get("", endpoint="queue")
@reviewer
def queue_page():
    args = request.args
    state = args.get("state") or None
    if state and state not in queue.QUEUE_STATES:
        abort(400)
    items, counts = queue.review_queue(
        get_session(),
        g.user,
        settings().locales,
        locale=args.get("locale") or None,
        state=state,
        tag=args.get("tag") or None,
        newest_first=args.get("order") == "newest",
        weakest_first=args.get("order") == "weakest",
    )
    locales = queue.visible_locales(g.user, settings().locales)
    return render_template(
        "review/queue.html",
        items=items,
        counts=counts,
        states=queue.QUEUE_STATES,
        locales=locales,
        filters=args,
        translators=_translators() if g.user.role == Role.admin else [],
        newest=desk.newest_reviewable(get_session(), locales),
    )


def _translators() -> list[User]:
    return list(get_session().scalars(select(User).where(User.role == Role.translator).order_by(User.username)))


@bp.get("/<int:translation_id>")
@reviewer
def editor(translation_id: int):
    translation = visible_translation(translation_id)
    drafts = {s.position: s for s in translation.segments}
    rows = [(source, drafts.get(source.position)) for source in translation.revision.segments]
    translators = []
    if g.user.role == Role.admin:
        translators = [
            u
            for u in get_session().scalars(select(User).where(User.role == Role.translator))
            if translation.locale in u.languages
        ]
    return render_template(
        "review/editor.html",
        translation=translation,
        rows=rows,
        post_terms=[link.term for link in translation.post.terms],
        correction=any(s.carried_over for s in translation.segments),
        can_edit=_can_edit(translation),
        translators=translators,
        warning_label=warning_label,
        chip_info=chip_info,
    )


def shown_texts(raw: str) -> dict[int, str] | None:
    """The approve form's {position: text} as the editor showed it (absent without JavaScript)."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        abort(400)
    if data is None:
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) and k.isdigit() for k, v in data.items()):
        abort(400)
    return {int(k): v for k, v in data.items()}


def _can_edit(translation: Translation) -> bool:
    return translation.state == "in_review" and (translation.claimed_by_id == g.user.id or g.user.role == Role.admin)


@bp.get("/<int:translation_id>/preview")
@reviewer
def preview(translation_id: int):
    translation = visible_translation(translation_id)
    g.page_locale = translation.locale
    return render_template(
        "review/preview.html",
        locale=translation.locale,
        page=publishing.preview(translation),
        post=translation.post,
        translation=translation,
        tags=terms.terms_of(translation.post, "tag"),
        categories=terms.terms_of(translation.post, "category"),
        preview=True,
    )


@bp.post("/<int:translation_id>/segments/<int:position>")
@reviewer
def save_segment(translation_id: int, position: int):
    """JSON endpoint behind the editor's keyboard flow (session + CSRF header)."""
    translation = visible_translation(translation_id)
    payload = request.get_json(silent=True) or {}
    try:
        segment = review.edit_segment(
            get_session(), translation, position, g.user, payload.get("text"), payload.get("version")
        )
    except DomainError as error:
        body = {"code": error.code, "message": ui_message(error), "field": error.field, **error.extra}
        return jsonify(error=body), error.status
    get_session().commit()
    return jsonify(
        text=segment.text,
        version=segment.version,
        origin=segment.origin,
        warnings=[{"code": code, "label": warning_label(code)} for code in segment.warnings],
    )


@bp.post("/<int:translation_id>/<action>")
@reviewer
def act(translation_id: int, action: str):
    translation, db, form = visible_translation(translation_id), get_session(), request.form
    if action not in ("claim", "release", "approve", "reject", "reassign"):
        abort(404)
    user_id = database_id(form.get("user_id", ""))
    assignee = db.get(User, user_id) if user_id is not None else None
    if action == "reassign" and assignee is None:
        abort(400)
    try:
        review.perform(
            db,
            translation,
            g.user,
            action,
            idle_seconds=settings().claim_idle_seconds,
            comment=form.get("comment", ""),
            assignee=assignee,
            shown=shown_texts(form.get("texts", "")),
        )
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".editor", translation_id=translation_id)), 303
    db.commit()
    messages = {
        "claim": _("You hold this draft now."),
        "release": _("Draft released."),
        "approve": _("Approved and published."),
        "reject": _("Draft rejected and sent back."),
        "reassign": _("Draft reassigned."),
    }
    flash(messages[action], "success")
    if action in ("reject", "release"):
        return redirect(url_for(".queue")), 303
    return redirect(url_for(".editor", translation_id=translation_id)), 303


@bp.get("/terms")
@reviewer
def term_names():
    """Tags and categories with their display name in each of the translator's languages."""
    locales = queue.visible_locales(g.user, settings().locales)
    return render_template("review/terms.html", terms=terms.all_terms(get_session()), locales=locales)


@bp.post("/terms/<int:term_id>/<locale>")
@reviewer
def rename_term(term_id: int, locale: str):
    from service.models import Term

    db = get_session()
    term = db.get(Term, term_id) or abort(404)
    try:
        terms.rename(db, term, locale, request.form.get("name", ""), g.user, request.form.get("slug"))
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".term_names")), 303
    db.commit()
    flash(_("Name saved."), "success")
    back = request.form.get("next", "")
    if back.startswith("/review/") and "//" not in back:  # from a translation's editor: back there
        return redirect(back), 303
    return redirect(url_for(".term_names")), 303
