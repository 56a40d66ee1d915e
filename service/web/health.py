"""Liveness and readiness for load balancers and orchestrators.

`/healthz` answers as long as the web process runs (restart it if not); `/readyz` says whether
it can do its work now: database, Redis and a worker seen recently, naming what is down.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from service import readiness
from service.web.database import get_session, settings

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = readiness.dependencies(settings(), get_session().get_bind())
    down = [check.name for check in checks if check.failed]
    body = {
        "status": "unavailable" if down else "ready",
        "down": down,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return jsonify(body), 503 if down else 200
