"""Comments on a translation and its segments, notifications, and failure sentences in the UI."""

from __future__ import annotations

import re

from babel import Locale
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from service import comments, failures, notifications
from service.errors import DomainError
from service.models import Role, Translation
from service.web.auth import me, role_required
from service.web.database import get_session
from service.web.guard import database_id
from service.web.labels import ui_message

bp = Blueprint("discussion", __name__)
signed_in = role_required(Role.admin, Role.editor, Role.translator)


def language_name(locale: str) -> str:
    """A language as the UI language calls it ("Persian", "persa", "فارسی")."""
    try:
        return Locale.parse(locale).get_display_name(str(get_locale())) or locale
    except (ValueError, TypeError):
        return locale


def failure_sentence(translation: Translation) -> str:
    return _(failures.sentence(translation.error), language=language_name(translation.locale))


def notification_text(notification) -> str:
    data = {"comment": "", "actor": "", "title": "", **notification.data}
    data["language"] = language_name(data.get("locale", ""))
    template = notifications.MESSAGES.get(notification.kind)
    return _(template, **data) if template else notification.kind


def comment_html(body: str) -> Markup:
    """The comment escaped, line breaks kept, @mentions marked."""
    escaped = str(escape(body))
    marked = comments.MENTION.sub(lambda m: f'<strong class="mention">@{m.group(1)}</strong>', escaped)
    return Markup(marked.replace("\n", "<br>"))


def _translation(translation_id: int) -> Translation:
    translation = get_session().get(Translation, translation_id)
    if translation is None:
        abort(404)
    if not comments.can_discuss(g.user, translation):
        abort(403)
    return translation


@bp.get("/translations/<int:translation_id>/comments")
@signed_in
def thread(translation_id: int):
    translation = _translation(translation_id)
    return render_template("signals/comments_page.html", translation=translation)


@bp.post("/translations/<int:translation_id>/comments")
@signed_in
def add_comment(translation_id: int):
    translation, db = _translation(translation_id), get_session()
    raw = request.form.get("position", "")
    position = database_id(raw) if raw else None
    if raw and position is None:
        position = raw  # not a number: the domain says which field is wrong
    back = request.form.get("next", "")
    if not re.fullmatch(r"/[\w/\-]*", back) or back.startswith("//"):
        back = url_for(".thread", translation_id=translation_id)
    try:
        comments.add(db, translation, g.user, request.form.get("body", ""), position)
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(back + "#comments"), 303
    db.commit()
    flash(_("Comment posted."), "success")
    return redirect(back + "#comments"), 303


@bp.get("/notifications")
@signed_in
def inbox():
    db = get_session()
    return render_template(
        "signals/notifications.html",
        items=notifications.latest(db, g.user),
        email=notifications.mail_address(db, g.user),
    )


@bp.post("/notifications/read")
@signed_in
def mark_read():
    db = get_session()
    notification_id = database_id(request.form.get("id", "")) if request.form.get("id") else None
    notifications.mark_read(db, g.user, notification_id)
    db.commit()
    return redirect(url_for(".inbox")), 303


@bp.post("/notifications/email")
@signed_in
def set_email():
    db = get_session()
    try:
        notifications.set_mail_address(db, g.user, request.form.get("email", ""))
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".inbox")), 303
    db.commit()
    flash(_("E-mail setting saved."), "success")
    return redirect(url_for(".inbox")), 303


@bp.app_context_processor
def signal_helpers() -> dict:
    def unread() -> int:
        from flask_login import current_user

        if not current_user.is_authenticated or me().role == Role.reader:
            return 0
        return notifications.unread_count(get_session(), me())

    def thread_of(translation: Translation) -> list:
        return comments.visible(get_session(), translation, me())

    return {
        "unread_notifications": unread,
        "failure_sentence": failure_sentence,
        "notification_text": notification_text,
        "comment_html": comment_html,
        "comments_of": thread_of,
        "can_discuss": lambda translation: comments.can_discuss(me(), translation),
    }
