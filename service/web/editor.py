"""Editors' desk: submit a post through a form, follow each post's translations, retry failures."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service import dispatch, intake, memory, review
from service.errors import DomainError
from service.models import Post, Role, Translation
from service.web import post_form
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.labels import ui_message
from service.web.live import progress_summary

bp = Blueprint("editor", __name__, url_prefix="/editor")
editor_only = role_required(Role.editor, Role.admin)
PROGRESS = {
    "queued": 0,
    "translating": 10,
    "failed": 0,
    "awaiting_review": 40,
    "rejected": 40,
    "in_review": 60,
    "outdated": 20,
    "approved": 90,
    "published": 100,
}


def progress(post: Post) -> int:
    """How far the post's translations are, 0-100, as the progress bar shows it."""
    if not post.translations:
        return 100
    return round(sum(PROGRESS.get(t.state, 0) for t in post.translations) / len(post.translations))


def _my_posts() -> list[Post]:
    query = (
        select(Post)
        .options(selectinload(Post.translations), selectinload(Post.revisions))
        .order_by(Post.id.desc())
        .limit(100)
    )
    if g.user.role != Role.admin:
        query = query.where(Post.created_by_id == g.user.id)
    return list(get_session().scalars(query))


@bp.get("")
@editor_only
def desk():
    return _desk_page()


def _desk_page(values: dict | None = None, error: DomainError | None = None) -> str:
    """The desk: the editor's posts, and the form (refilled with `values` after an `error`)."""
    posts = _my_posts()
    return render_template(
        "editor/desk.html",
        posts=posts,
        from_memory=memory.from_memory(get_session(), [t.id for post in posts for t in post.translations]),
        progress=progress,
        progress_summary=progress_summary,
        values=values or {},
        error=error,
        error_message=ui_message(error) if error else None,
        targets=settings().target_locales,
    )


@bp.get("/posts")
@editor_only
def form_again():
    """Where a failed submission's page lives: reloading it (e.g. in another UI language) shows the desk."""
    return _desk_page()


@bp.post("/posts")
@editor_only
def submit():
    payload = post_form.payload(request.form)
    db = get_session()
    try:
        post, _created = intake.submit_post(db, g.user, payload, settings())
    except DomainError as error:
        db.rollback()
        return _desk_page(post_form.refill(request.form), error), error.status
    db.commit()
    dispatch.enqueue_translations(settings(), [(post.id, t.locale, post.source_locale) for t in post.translations])
    flash(_("Submitted. Machine translation has started."), "success")
    return redirect(url_for(".desk")), 303


@bp.post("/translations/<int:translation_id>/retry")
@editor_only
def retry(translation_id: int):
    db = get_session()
    translation = db.get(Translation, translation_id)
    if translation is None or (g.user.role != Role.admin and translation.post.created_by_id != g.user.id):
        abort(404)
    try:
        review.retry(db, translation, g.user)
    except DomainError as error:
        flash(ui_message(error), "error")
        return redirect(url_for(".desk")), 303
    db.commit()
    dispatch.enqueue_translations(
        settings(), [(translation.post_id, translation.locale, translation.post.source_locale)]
    )
    flash(_("Machine translation queued again."), "success")
    return redirect(url_for(".desk")), 303


# The desk's correction pages (edit, withdraw, restore, delete) live under this blueprint: /editor/posts/...
from service.web import desk_corrections  # noqa: E402, F401
