"""Admins' pages: the machine-translation models per language pair, and the outgoing webhooks."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from service import webhooks
from service.errors import DomainError
from service.models import Role, Webhook
from service.web.auth import role_required
from service.web.database import get_session, settings
from service.web.labels import ui_message

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = role_required(Role.admin)
MAX_PACKAGE_BYTES = 4 << 30  # real Argos packages are a few hundred MB
CHUNK = 1 << 20


@bp.get("/models")
@admin_only
def models():
    from workers.mt import apertium, argos, inventory

    current = settings()
    installed = sorted(
        (p for p in argos.installed_packages(current) if p.type == "translate"), key=lambda p: (p.from_code, p.to_code)
    )
    modes = inventory.installed_modes()
    apertium_pairs = [(s, t, all(m in modes for m in apertium.MODES[(s, t)])) for s, t in apertium.MODES]
    return render_template(
        "signals/models.html",
        pairs=inventory.inventory(current),
        packages=installed,
        apertium_pairs=apertium_pairs,
        human_size=inventory.human_size,
        package_name=lambda p: Path(p.package_path).name,
    )


@bp.post("/models")
@admin_only
def upload_model():
    """The raw `.argosmodel` as the request body (the page's script shows the upload's progress)."""
    from workers.mt import packages

    request.max_content_length = MAX_PACKAGE_BYTES
    staging = settings().effective_argos_dir.parent
    staging.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=staging, prefix=".upload-", suffix=".argosmodel") as upload:
        size = _save_body(upload)
        if size == 0:
            return jsonify(error={"code": "invalid", "field": "package", "message": _("Choose a file first.")}), 422
        try:
            info = packages.install(settings(), Path(upload.name))
        except packages.PackageError as error:
            log.warning("model upload refused: %s", error)
            message = _("This file is not a usable Argos translation package (.argosmodel).")
            return jsonify(error={"code": "invalid", "field": "package", "message": message, "detail": str(error)}), 422
    message = _("Installed the %(source)s → %(target)s model.", source=info.from_code, target=info.to_code)
    flash(message, "success")
    return jsonify(ok=True, message=message, source=info.from_code, target=info.to_code, version=info.version)


def _save_body(out) -> int:
    size = 0
    while chunk := request.stream.read(CHUNK):
        out.write(chunk)
        size += len(chunk)
    out.flush()
    return size


@bp.get("/webhooks")
@admin_only
def webhooks_page():
    db = get_session()
    return render_template(
        "signals/webhooks.html",
        hooks=list(db.scalars(select(Webhook).order_by(Webhook.id))),
        deliveries=webhooks.recent(db),
        events=webhooks.EVENTS,
        values={},
    )


@bp.post("/webhooks")
@admin_only
def add_webhook():
    db, form = get_session(), request.form
    try:
        webhooks.add(db, settings(), form.get("url", ""), form.get("secret", ""), form.getlist("events"))
    except DomainError as error:
        db.rollback()
        flash(ui_message(error), "error")
        return redirect(url_for(".webhooks_page")), 303
    db.commit()
    flash(_("Webhook added."), "success")
    return redirect(url_for(".webhooks_page")), 303


@bp.post("/webhooks/<int:webhook_id>/delete")
@admin_only
def delete_webhook(webhook_id: int):
    db = get_session()
    hook = db.get(Webhook, webhook_id) or abort(404)
    db.delete(hook)
    db.commit()
    flash(_("Webhook removed."), "success")
    return redirect(url_for(".webhooks_page")), 303
