"""Your account: the display name used as byline and in history (admins set anyone's)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from service import accounts
from service.errors import DomainError
from service.models import Role, User
from service.web.auth import role_required
from service.web.database import get_session
from service.web.labels import ui_message

bp = Blueprint("account", __name__, url_prefix="/account")
signed_in = role_required(*Role)


@bp.get("")
@signed_in
def page():
    people = list(get_session().scalars(select(User).order_by(User.username))) if g.user.role == Role.admin else []
    return render_template("account.html", people=people)


@bp.post("/<int:user_id>/name")
@signed_in
def rename(user_id: int):
    db = get_session()
    if user_id != g.user.id and g.user.role != Role.admin:
        abort(403)
    person = db.get(User, user_id) or abort(404)
    try:
        accounts.set_display_name(person, request.form.get("display_name", ""))
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".page")), 303
    db.commit()
    flash(_("Display name saved."), "success")
    return redirect(url_for(".page")), 303
