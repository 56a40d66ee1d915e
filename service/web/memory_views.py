"""Translators' pages for translation memory and CAT tools: near matches beside the draft,
memory search (admins delete bad entries), XLIFF export and import from the side-by-side editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from service import memory, queue, xliff
from service.errors import DomainError
from service.models import Role
from service.web.api import entry_json, suggestion_json, xliff_download
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.i18n import format_number
from service.web.labels import ui_message
from service.web.review_queue import visible_translation

bp = Blueprint("memory", __name__, url_prefix="/review")
reviewer = role_required(Role.translator, Role.admin)


@bp.app_template_global()
def event_detail(event) -> str:
    """A history line's detail; drafting figures are worded in the UI language."""
    figures = event.data or {}
    if event.action != "drafted" or "memory" not in figures:
        return event.detail or ""
    remembered, machine = figures["memory"], figures["machine"]
    return ", ".join(
        [
            ngettext("%(count)s from memory", "%(count)s from memory", remembered, count=format_number(remembered)),
            ngettext(
                "%(count)s machine-translated", "%(count)s machine-translated", machine, count=format_number(machine)
            ),
        ]
    )


@bp.get("/<int:translation_id>/memory")
@reviewer
def matches(translation_id: int):
    """Near matches for the editor, fetched once the page is shown (lookups never slow the page)."""
    found = memory.suggestions(get_session(), visible_translation(translation_id))
    return jsonify(matches={str(p): [suggestion_json(s) for s in items] for p, items in found.items()})


@bp.get("/<int:translation_id>/xliff")
@reviewer
def export_xliff(translation_id: int):
    return xliff_download(visible_translation(translation_id))


@bp.post("/<int:translation_id>/xliff")
@reviewer
def import_xliff(translation_id: int):
    translation, db = visible_translation(translation_id), get_session()
    upload = request.files.get("file")
    back = redirect(url_for("review_queue.editor", translation_id=translation_id)), 303
    if upload is None or not upload.filename:
        flash(_("Choose the XLIFF file to import."), "error")
        return back
    try:
        report = xliff.import_file(db, translation, g.user, upload.read())
    except xliff.XliffRejected as error:
        db.rollback()
        flash(ui_message(error), "error")
        for template, params in error.problems:
            flash(_(template, **params), "error")
        return back
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return back
    db.commit()
    if report.changed:
        flash(
            ngettext(
                "%(count)s segment changed.",
                "%(count)s segments changed.",
                len(report.changed),
                count=len(report.changed),
            ),
            "success",
        )
    else:
        flash(_("The file has no changes."), "success")
    return back


@bp.get("/memory")
@reviewer
def search():
    """Concordance search: the editor asks for JSON, the full page lists entries (admins may delete)."""
    locales = settings().locales
    targets = queue.visible_locales(g.user, locales)
    source = request.args.get("source") or settings().source_locale
    target = request.args.get("target") or (targets[0] if targets else "")
    if source not in locales or target not in targets:
        abort(400)
    query = request.args.get("q", "")
    entries = memory.search(get_session(), source, target, query) if query.strip() else []
    if request.args.get("format") == "json":
        return jsonify(entries=[entry_json(e) for e in entries])
    return render_template(
        "review/memory.html",
        entries=entries,
        query=query,
        source=source,
        target=target,
        locales=locales,
        targets=targets,
    )


@bp.post("/memory/<int:entry_id>/delete")
@reviewer
def delete(entry_id: int):
    db = get_session()
    try:
        entry = memory.delete_entry(db, entry_id, g.user)
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".search")), 303
    db.commit()
    flash(_("Memory entry deleted."), "success")
    return redirect(
        url_for(".search", source=entry.source_locale, target=entry.target_locale, q=request.form.get("q", ""))
    ), 303
