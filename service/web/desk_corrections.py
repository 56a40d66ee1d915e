"""Editors' desk, corrections: edit a post (a new revision), withdraw, restore or delete it.

Withdraw and delete are asked twice: the button leads to a confirmation page, whose form does it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from service import corrections, dispatch, withdrawal
from service.errors import DomainError
from service.models import Post, Role
from service.web import editor, post_form
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.labels import ui_message

bp = Blueprint("posts", __name__, url_prefix="/posts")
editor.bp.register_blueprint(bp)  # under the desk: /editor/posts/..., endpoints editor.posts.*
editor_only = role_required(Role.editor, Role.admin)
ACTIONS = ("withdraw", "restore", "delete")


def _post(post_id: int) -> Post:
    post = get_session().get(Post, post_id)
    if post is None or (g.user.role != Role.admin and post.created_by_id != g.user.id):
        abort(404)
    return post


def _edit_payload(form) -> dict:
    """The form in the API's shape; empty tags/categories mean none (a form cannot leave a field out)."""
    payload = post_form.payload(form)
    payload.setdefault("tags", [])
    payload.setdefault("categories", [])
    for name in ("slug", "while_reviewing"):
        if form.get(name):
            payload[name] = form[name]
    if form.get("revision", "").isdigit():
        payload["revision"] = int(form["revision"])
    return payload


def _values(post: Post) -> dict:
    values = corrections.current_values(post)
    values["tags"] = ", ".join(values["tags"])
    values["categories"] = ", ".join(values["categories"])
    values["published_at"] = values["published_at"][:16]
    values["slug"] = post.slug
    return values


@bp.get("/<int:post_id>/edit")
@editor_only
def edit_form(post_id: int):
    post = _post(post_id)
    return _edit_page(post, _values(post), post.revision_number)


def _edit_page(post: Post, values: dict, revision: int, error: DomainError | None = None):
    return render_template(
        "editor/edit.html",
        post=post,
        values=values,
        revision=revision,
        error=error,
        error_message=ui_message(error) if error else None,
        targets=settings().target_locales,
    )


@bp.post("/<int:post_id>/edit")
@editor_only
def edit(post_id: int):
    session, post = get_session(), _post(post_id)
    payload = _edit_payload(request.form)
    if payload.get("published_at") == _values(post)["published_at"]:
        del payload["published_at"]  # the form shows minutes: unchanged, whatever its seconds
    try:
        result = corrections.edit_post(session, post, g.user, payload, settings())
    except DomainError as error:
        session.rollback()
        values = post_form.refill(request.form)
        revision = int(values.get("revision") or 0)
        return _edit_page(_post(post_id), values, revision, error), error.status
    session.commit()
    dispatch.enqueue_translations(settings(), result.queue)
    flash(
        _("Saved as a new revision. Only the changed sentences are translated again.")
        if result.changed
        else _("Nothing changed."),
        "success",
    )
    return redirect(url_for("editor.desk")), 303


@bp.get("/<int:post_id>/<action>")
@editor_only
def confirm(post_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    return render_template("editor/confirm.html", post=_post(post_id), action=action)


@bp.post("/<int:post_id>/<action>")
@editor_only
def act(post_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    session, post = get_session(), _post(post_id)
    try:
        if action == "delete":
            withdrawal.delete_post(session, post, g.user)
        else:
            change = withdrawal.withdraw if action == "withdraw" else withdrawal.restore
            change(session, post, g.user, request.form.getlist("locales") or None)
    except DomainError as error:
        session.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for("editor.desk")), 303
    session.commit()
    done = {
        "withdraw": _("The story was withdrawn: readers get a notice that it was taken off the site."),
        "restore": _("The story is back on the site."),
        "delete": _("The story was deleted."),
    }
    flash(done[action], "success")
    return redirect(url_for("editor.desk")), 303
