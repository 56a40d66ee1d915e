"""The desk and the queue kept current without a reload (small JSON polled by live.js), and the
queue's bulk claim / release / reassign, each item committed on its own and reported."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from service import desk, queue
from service.errors import DomainError
from service.models import Role, User
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.guard import database_id
from service.web.i18n import format_number
from service.web.labels import state_label, ui_message

bp = Blueprint("live", __name__)
reviewer = role_required(Role.translator, Role.admin)
editor_only = role_required(Role.editor, Role.admin)


def progress_summary(post) -> str:
    """'drafted 3/5 · in review 1 · published 1' in the UI language."""
    p = desk.progress(post)
    parts = [_("drafted %(done)s/%(total)s", done=format_number(p.drafted), total=format_number(p.total))]
    if p.in_review:
        parts.append(_("in review %(num)s", num=format_number(p.in_review)))
    if p.published:
        parts.append(_("published %(num)s", num=format_number(p.published)))
    if p.failed:
        parts.append(_("failed %(num)s", num=format_number(p.failed)))
    return " · ".join(parts)


def _translation_json(t) -> dict:
    holder = t.claimed_by
    return {
        "id": t.id,
        "state": t.state,
        "label": state_label(t.state),
        "held_by": holder.shown_name if holder else None,
    }


@bp.get("/review/live.json")
@reviewer
def queue_states():
    ids = [i for i in (database_id(x) for x in request.args.get("ids", "").split(",")) if i is not None]
    visible = queue.visible_locales(g.user, settings().locales)
    return jsonify(
        translations=[_translation_json(t) for t in desk.live_states(get_session(), ids, visible)],
        newest=desk.newest_reviewable(get_session(), visible),
    )


@bp.get("/editor/live.json")
@editor_only
def desk_states():
    from service.web.editor import _my_posts, progress

    posts = _my_posts()
    return jsonify(
        posts=[
            {
                "id": post.id,
                "progress": progress(post),
                "summary": progress_summary(post),
                "translations": [_translation_json(t) for t in post.translations],
            }
            for post in posts
        ]
    )


@bp.post("/review/bulk")
@reviewer
def bulk():
    db, form = get_session(), request.form
    action = form.get("action", "")
    if action not in desk.BULK_ACTIONS or (action == "reassign" and g.user.role != Role.admin):
        abort(400)
    assignee = None
    if action == "reassign":
        user_id = database_id(form.get("user_id", ""))
        assignee = db.get(User, user_id) if user_id is not None else None
        if assignee is None:
            abort(400)
    ids = [i for i in (database_id(x) for x in form.getlist("ids")) if i is not None]
    if not ids:
        flash(_("Select at least one draft first."), "error")
    visible = queue.visible_locales(g.user, settings().locales)
    done = {
        "claim": _("%(title)s (%(locale)s): you hold it now."),
        "release": _("%(title)s (%(locale)s): released."),
        "reassign": _("%(title)s (%(locale)s): reassigned."),
    }
    for tid in ids:
        try:
            translation = desk.bulk_item(
                db, g.user, action, tid, visible, idle_seconds=settings().claim_idle_seconds, assignee=assignee
            )
            words = {"title": translation.revision.title, "locale": _locale(translation.locale)}
            db.commit()
            flash(done[action] % words, "success")
        except DomainError as error:
            db.rollback()
            flash(_("Draft %(id)s: not changed: %(reason)s", id=format_number(tid), reason=ui_message(error)), "error")
    return redirect(_back()), 303


def _locale(code: str) -> str:
    from service.web.wording import language_name

    return language_name(code)


def _back() -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/review") and not target.startswith("//") else url_for("review_queue.queue")
