"""The glossary pages: editors and admins manage terms and names; translators may read them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from service import glossary, glossary_io, glossary_suggest
from service.errors import DomainError
from service.models import GlossaryEntry, Role
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.labels import ui_message

bp = Blueprint("glossary", __name__, url_prefix="/glossary")
readers = role_required(Role.editor, Role.admin, Role.translator)
managers = role_required(Role.editor, Role.admin)
FORM_FIELDS = ("source_term", "target_locale", "target_term", "keep", "gender", "note")


@bp.get("", endpoint="index")
@readers
def index():
    return _page()


def _page(values: dict | None = None, error: DomainError | None = None, status: int = 200):
    db, args = get_session(), request.args
    target = args.get("target") or None
    editing = None
    if args.get("edit", "").isdigit() and g.user.role != Role.translator:
        editing = db.get(GlossaryEntry, int(args["edit"]))
    if editing is not None and values is None:
        values = {name: getattr(editing, name) for name in FORM_FIELDS}
    can_manage = g.user.role in (Role.editor, Role.admin)
    page = render_template(
        "glossary/index.html",
        entries=glossary.entries(db, target, args.get("q", "").strip()),
        suggestions=glossary_suggest.suggestions(db, settings().source_locale) if can_manage else [],
        targets=settings().target_locales,
        genders=glossary.GENDERS,
        filters=args,
        editing=editing,
        values=values or {"target_locale": glossary.ANY_TARGET},
        error=error,
        error_message=ui_message(error) if error else None,
        can_manage=can_manage,
    )
    return page, status


def _form() -> dict:
    form = request.form
    return {name: form.get(name, "") for name in FORM_FIELDS}


def _failed(error: DomainError, values: dict | None = None):
    get_session().rollback()
    return _page(values, error, error.status)


@bp.post("", endpoint="add")
@managers
def add():
    values = _form()
    try:
        glossary.save(get_session(), g.user, values, settings().locales, settings().source_locale)
        get_session().commit()
    except DomainError as error:
        return _failed(error, values)
    except IntegrityError:  # someone added the same term a moment ago: theirs is kept
        get_session().rollback()
        flash(_("This term is already in the glossary."), "error")
        return redirect(url_for(".index")), 303
    flash(_("Glossary entry saved. New drafts use it."), "success")
    return redirect(url_for(".index")), 303


@bp.post("/<int:entry_id>")
@managers
def update(entry_id: int):
    values = _form()
    try:
        glossary.update(get_session(), g.user, entry_id, values, settings().locales)
        get_session().commit()
    except DomainError as error:
        return _failed(error, values)
    flash(_("Glossary entry saved. New drafts use it."), "success")
    return redirect(url_for(".index")), 303


@bp.post("/<int:entry_id>/delete")
@managers
def delete(entry_id: int):
    try:
        glossary.delete(get_session(), g.user, entry_id)
        get_session().commit()
    except DomainError as error:
        return _failed(error)
    flash(_("Glossary entry deleted."), "success")
    return redirect(url_for(".index")), 303


@bp.post("/import")
@managers
def import_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400)
    try:
        rows = glossary_io.read(upload.read(), upload.filename)
        count = glossary_io.import_rows(
            get_session(), g.user, rows, settings().locales, request.form.get("source") or settings().source_locale
        )
        get_session().commit()
    except DomainError as error:
        return _failed(error)
    except IntegrityError:
        get_session().rollback()
        flash(_("Someone changed the glossary at the same time. Import the file again."), "error")
        return redirect(url_for(".index")), 303
    flash(_("%(count)d glossary entries imported.", count=count), "success")
    return redirect(url_for(".index")), 303


@bp.get("/export.csv", defaults={"kind": "csv"})
@bp.get("/export.tbx", defaults={"kind": "tbx"})
@readers
def export(kind: str):
    entries = glossary.entries(get_session())
    if kind == "tbx":
        body, mimetype = glossary_io.write_tbx(entries, settings().source_locale), "application/x-tbx+xml"
    else:
        body, mimetype = glossary_io.write_csv(entries), "text/csv"
    headers = {"Content-Disposition": f"attachment; filename=glossary.{kind}"}
    return Response(body, mimetype=f"{mimetype}; charset=utf-8", headers=headers)


@bp.post("/suggestions/<action>")
@managers
def suggestion(action: str):
    if action not in ("accept", "dismiss"):
        abort(404)
    db, term = get_session(), request.form.get("term", "")
    try:
        if action == "accept":
            glossary_suggest.accept(db, g.user, term, settings().locales, settings().source_locale)
        else:
            glossary_suggest.dismiss(db, g.user, term, settings().source_locale)
        db.commit()
    except DomainError as error:
        return _failed(error)
    except IntegrityError:  # accepted or dismissed by someone else meanwhile
        db.rollback()
    if action == "accept":
        flash(_("%(term)s is kept as it is in every language.", term=term), "success")
    else:
        flash(_("%(term)s will not be suggested again.", term=term), "success")
    return redirect(url_for(".index")), 303
